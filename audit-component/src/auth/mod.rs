//! The authentication log, a log of its own beside the log of changes:
//! sign-ins with their method and failure reason,
//! sign-outs with the session's duration, password recovery, and the
//! brute-force alert. Its events are the tenant's events of category
//! `authentication` ([`crate::catalog::auth`]), stored in the same chain as
//! every other event, so they are verified, exported and retained alike.
//!
//! Which events are whose: sign-ins, sign-outs and recoveries are the
//! host's (its user did something; the host calls [`record_login`] and the
//! like, and the actor is that user); `security.brute_force_suspected` is
//! the log's own (the log concluded it, nobody did anything; its actor is
//! the system actor `audit_log`), so no host can record one, and none can
//! be suppressed by recording a fake one. It is not in the `audit_log.*`
//! namespace because it is about the product's security, not the log's
//! bookkeeping, and filters and SIEM rules look for it by that name.

mod account;
mod brute_force;
pub mod identifier;
mod login;
mod logout;
mod recovery;
mod session;
pub mod types;
pub mod view;

pub use brute_force::IP_KIND;
pub use identifier::Hidden;
pub use login::record_login;
pub use logout::record_logout;
pub use recovery::record_recovery;
pub use types::{Failure, LoginAttempt, LoginRecorded, Logout, Method, Recovery, UNKNOWN_ACTOR};

#[cfg(test)]
mod tests;
