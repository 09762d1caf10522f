//! The `diff` interface through a session: two documents compared,
//! redacted, nothing stored.

use crate::bindings::*;
use crate::boundary;
use crate::error::HostError;
use crate::session::instance::Session;

impl Session {
    /// Compares two JSON documents: the RFC 6902 patch and the change list,
    /// redacted, nothing stored.
    pub fn diff(&mut self, request: &DiffRequest) -> Result<DiffResult, HostError> {
        self.check_diff(request)?;
        self.call(|audit, store| audit.audit_log_diff().call_diff(store, request))
    }

    /// [`Session::diff`]'s patch alone (the change list is not built).
    pub fn diff_patch(&mut self, request: &DiffRequest) -> Result<String, HostError> {
        self.check_diff(request)?;
        self.call(|audit, store| audit.audit_log_diff().call_patch(store, request))
    }

    fn check_diff(&self, request: &DiffRequest) -> Result<(), HostError> {
        boundary::strings(
            [
                ("before", request.before.as_str()),
                ("after", request.after.as_str()),
                ("settings", request.settings.as_deref().unwrap_or("")),
                ("action", request.action.as_deref().unwrap_or("")),
                ("tenant", request.tenant.as_deref().unwrap_or("")),
            ],
            self.options().max_input_bytes,
        )
    }
}
