//! What the `auth` interface takes and gives: a sign-in attempt with its
//! method and failure reason, a sign-out, a password-recovery request.

use crate::core::model::{Actor, Context, Event};

/// The actor id of sign-ins whose identifier matched no account.
pub const UNKNOWN_ACTOR: &str = "unknown";

/// How someone signed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// A password alone.
    Password,
    /// A password and a TOTP code.
    PasswordTotp,
    /// A password and a code sent by e-mail.
    PasswordEmailCode,
    /// Single sign-on.
    Sso,
}

impl Method {
    /// Every method.
    pub const ALL: [Method; 4] = [
        Method::Password,
        Method::PasswordTotp,
        Method::PasswordEmailCode,
        Method::Sso,
    ];

    /// The name stored in the event's metadata (`method`).
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Password => "password",
            Method::PasswordTotp => "password_totp",
            Method::PasswordEmailCode => "password_email_code",
            Method::Sso => "sso",
        }
    }

    /// The method with this stored name.
    pub fn parse(name: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.as_str() == name)
    }
}

/// Why a sign-in failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The identifier matched no account.
    UnknownAccount,
    /// The account exists; the password was wrong.
    WrongPassword,
    /// The password was right; the second factor was not.
    SecondFactorFailed,
    /// The account is deactivated.
    AccountDeactivated,
}

impl Failure {
    /// The stored failure reason.
    pub fn as_str(self) -> &'static str {
        match self {
            Failure::UnknownAccount => "unknown_account",
            Failure::WrongPassword => "wrong_password",
            Failure::SecondFactorFailed => "second_factor_failed",
            Failure::AccountDeactivated => "account_deactivated",
        }
    }
}

/// One sign-in attempt (the WIT `login-attempt`).
#[derive(Debug, Clone, PartialEq)]
pub struct LoginAttempt {
    /// Tenant.
    pub tenant: String,
    /// The account the identifier matched; `None` when it matched none.
    pub account: Option<Actor>,
    /// What was typed; used (hidden) only when no account matched.
    pub identifier: Option<String>,
    /// How.
    pub method: Method,
    /// `None` when it succeeded.
    pub failure: Option<Failure>,
    /// Where from (the session id of a success is what its logout matches).
    pub context: Context,
    /// When, RFC 3339; when the call started if absent.
    pub occurred_at: Option<String>,
}

/// What recording a sign-in stored.
#[derive(Debug, Clone, PartialEq)]
pub struct LoginRecorded {
    /// The attempt.
    pub event: Event,
    /// The brute-force alert it raised, if it crossed a threshold.
    pub alert: Option<Event>,
}

/// One sign-out (the WIT `logout`).
#[derive(Debug, Clone, PartialEq)]
pub struct Logout {
    /// Tenant.
    pub tenant: String,
    /// Who signed out.
    pub account: Actor,
    /// Where from; `session_id` is required.
    pub context: Context,
    /// When; when the call started if absent.
    pub occurred_at: Option<String>,
}

/// One password-recovery request (the WIT `recovery-request`).
#[derive(Debug, Clone, PartialEq)]
pub struct Recovery {
    /// Tenant.
    pub tenant: String,
    /// The account the identifier matched; `None` when it matched none.
    pub account: Option<Actor>,
    /// What was typed; used (hidden) only when no account matched.
    pub identifier: Option<String>,
    /// Where from.
    pub context: Context,
    /// When; when the call started if absent.
    pub occurred_at: Option<String>,
}
