//! The host side of the WIT world `audit:log/audit`, generated from the
//! workspace's `wit/` folder (the same files the component is built from).

#![allow(missing_docs)]

wasmtime::component::bindgen!({
    path: "../wit",
    world: "audit",
    // Hosts and tests compare events and errors.
    additional_derives: [PartialEq, Eq],
});

pub use audit::log::clock::Instant;
pub use audit::log::keyring::KeyringError;
pub use audit::log::store::{ChainHead, Row, ScanRequest, StoreError};
pub use audit::log::types::{
    Actor, ActorKind, Change, ChangeOp, Error, Event, EventInput, FieldError, Filter, LimitError,
    Order, Outcome, Page, PageRequest, RequestContext, Target,
};
pub use audit::log::types::{OutcomeKind, Viewer};
pub use exports::audit::log::auth::{
    AuthEntry, AuthPage, LoginAttempt, LoginFailure, LoginMethod, LoginRecorded, Logout,
    RecoveryRequest,
};
pub use exports::audit::log::catalog::{ActionDefinition, ActionOrigin, Category, Profile};
pub use exports::audit::log::data_export::{
    ExportFormat, ExportPart, ExportProgress, ExportRequest, ExportRows,
};
pub use exports::audit::log::diff::{DiffRequest, DiffResult};

impl Filter {
    /// Every event of `tenant`: the filter of a whole-log read (the demo's
    /// table, a checkpoint's export, a verification's proof).
    pub fn whole_log(tenant: &str) -> Filter {
        Filter {
            tenant: tenant.to_string(),
            since: None,
            until: None,
            actor_id: None,
            action: None,
            actor_name: None,
            category: None,
            change_type: None,
            target_kind: None,
            target_id: None,
            outcome: None,
            ip: None,
            text: None,
        }
    }
}
