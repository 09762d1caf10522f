//! The authentication log's actions, in every tenant's catalog: what the
//! `auth` interface records (sign-ins, sign-outs, password recovery) and
//! the alert the log raises when failed sign-ins cross a threshold. A
//! profile may word their labels its own way ([`super::Profile::auth_labels`]).

use super::builtin::{Builtin, action};

/// A sign-in that succeeded.
pub const LOGIN_SUCCEEDED: &str = "user.login_succeeded";
/// A sign-in whose identifier matched no account.
pub const LOGIN_FAILED: &str = "user.login_failed";
/// A sign-in that failed for an account that exists (wrong password,
/// second factor, deactivated account).
pub const LOGIN_FAILED_VALID_ACCOUNT: &str = "user.login_failed_valid_account";
/// A sign-out.
pub const LOGOUT: &str = "user.logout";
/// Password recovery asked for an account that exists.
pub const RECOVERY_REQUESTED: &str = "user.password_recovery_requested";
/// Password recovery asked for an identifier that matches no account.
pub const RECOVERY_UNKNOWN: &str = "user.password_recovery_unknown_email";
/// The log's alert: failed sign-ins crossed the tenant's threshold.
pub const BRUTE_FORCE: &str = "security.brute_force_suspected";

/// The category of every action here: the authentication log is the
/// tenant's events of this category.
pub const CATEGORY: &str = "authentication";

/// Every action of the authentication log.
pub const ACTIONS: &[Builtin] = &[
    action(
        LOGIN_SUCCEEDED,
        "Login Succeeded",
        CATEGORY,
        "login",
        &["user"],
    ),
    action(
        LOGIN_FAILED,
        "Login Failed",
        CATEGORY,
        "login",
        &["identifier"],
    ),
    action(
        LOGIN_FAILED_VALID_ACCOUNT,
        "Login Failed (Valid Account)",
        CATEGORY,
        "login",
        &["user"],
    ),
    action(LOGOUT, "Logout", CATEGORY, "logout", &["user"]),
    action(
        RECOVERY_REQUESTED,
        "Password Recovery Requested",
        CATEGORY,
        "other",
        &["user"],
    ),
    action(
        RECOVERY_UNKNOWN,
        "Password Recovery (Unknown Account)",
        CATEGORY,
        "other",
        &["identifier"],
    ),
    action(
        BRUTE_FORCE,
        "Brute Force Suspected",
        CATEGORY,
        "other",
        &["user", "identifier", "ip_address"],
    ),
];
