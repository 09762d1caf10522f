//! The `auth` interface through a session: sign-ins, sign-outs, password
//! recovery, and the authentication log.

use crate::bindings::*;
use crate::boundary;
use crate::error::HostError;
use crate::session::instance::Session;

impl Session {
    /// Records a sign-in attempt (and the brute-force alert it raises).
    pub fn record_login(&mut self, attempt: &LoginAttempt) -> Result<LoginRecorded, HostError> {
        boundary::strings(
            boundary::login_strings(attempt),
            self.options().max_input_bytes,
        )?;
        self.call(|audit, store| audit.audit_log_auth().call_record_login(store, attempt))
    }
    /// Records a sign-out, with the session's duration.
    pub fn record_logout(&mut self, logout: &Logout) -> Result<Event, HostError> {
        boundary::strings(
            boundary::logout_strings(logout),
            self.options().max_input_bytes,
        )?;
        self.call(|audit, store| audit.audit_log_auth().call_record_logout(store, logout))
    }
    /// Records a password-recovery request.
    pub fn record_password_recovery(
        &mut self,
        request: &RecoveryRequest,
    ) -> Result<Event, HostError> {
        boundary::strings(
            boundary::recovery_strings(request),
            self.options().max_input_bytes,
        )?;
        self.call(|audit, store| {
            audit
                .audit_log_auth()
                .call_record_password_recovery(store, request)
        })
    }
    /// Reads one page of the authentication log (recorded like a query).
    pub fn auth_log(&mut self, request: &PageRequest) -> Result<AuthPage, HostError> {
        boundary::page_request(request, self.options().max_input_bytes)?;
        self.call(|audit, store| audit.audit_log_auth().call_read(store, request))
    }
}
