//! The action catalog: every action the built-in profiles record, with a human
//! label, a category, a change type and the target kinds it expects,
//! grouped into profiles (`qa`, `contact-center`, `crm`, `cx`), plus the
//! actions a tenant registers itself.
//!
//! A tenant's catalog is made of, in this order of precedence:
//!
//! 1. the log's own actions (`audit_log.*`, [`own`]), recorded only by the
//!    log;
//! 2. the authentication log's actions ([`auth`]): sign-ins, sign-outs,
//!    password recovery and the brute-force alert, recorded through the
//!    `auth` interface (labels may be worded per profile);
//! 3. the actions of the tenant's profile, if it chose one
//!    (`catalog.profile` in its settings), including the ones a profile
//!    refuses (`qa` never deletes users);
//! 4. the actions it registered (`catalog.actions`, [`definition`]).
//!
//! A tenant with a profile may record only actions of its catalog, with the
//! target kinds each expects. A tenant without one may record any
//! well-formed action with any targets (except the actions only the log
//! records, and the authentication log's, which every tenant records
//! through the `auth` interface), as hosts written before the catalog do:
//! the catalog still labels and classifies the actions it knows (the log's
//! own, the authentication log's, and the tenant's registrations, whose
//! target kinds do bind), and the name heuristic of
//! [`crate::catalog::classify`] classifies the rest, without a label.

pub mod auth;
pub mod builtin;
pub mod classify;
mod contact_center;
mod crm;
mod cx;
pub mod definition;
pub mod entry;
pub mod own;
pub mod profiles;
mod qa;
pub mod tenant;

pub use builtin::{Builtin, Profile, action};
pub use classify::change_type;
pub use definition::Definition;
pub use entry::{Entry, Origin};
pub use profiles::{PROFILES, profile, profile_named};
pub use tenant::{Catalog, Class, Writer};

#[cfg(test)]
mod tests;
