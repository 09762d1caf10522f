//! What a demo is made of: the people of a product's morning, the steps
//! they take, and the scenario that lists them.

use audit_host::bindings::{Filter, LoginFailure, LoginMethod};

/// Someone of a scenario.
pub struct Person {
    pub id: &'static str,
    pub name: &'static str,
    pub email: &'static str,
}

/// One thing that happens in a scenario.
pub enum Step {
    /// A product action, as `audit-host append` takes it (JSON without
    /// tenant and time).
    Act(&'static str),
    /// An action the tenant's catalog refuses: the demo shows why.
    Refused(&'static str),
    /// A sign-in of an account (a failure when `failure` is given).
    Login {
        who: &'static Person,
        method: LoginMethod,
        failure: Option<LoginFailure>,
        ip: &'static str,
        session: Option<&'static str>,
    },
    /// A sign-in with an identifier that matches no account.
    Unknown {
        identifier: &'static str,
        ip: &'static str,
    },
    /// A sign-out.
    Logout {
        who: &'static Person,
        ip: &'static str,
        session: &'static str,
    },
    /// A password-recovery request for an identifier that matches no account.
    RecoveryUnknown {
        identifier: &'static str,
        ip: &'static str,
    },
    /// A bulk operation: the parent (JSON) and `count` children made by
    /// `child(i)`.
    Bulk {
        parent: &'static str,
        count: usize,
        child: fn(usize) -> String,
    },
}

/// A product's morning.
pub struct Scenario {
    /// The profile the tenant chooses.
    pub profile: &'static str,
    /// The default tenant.
    pub tenant: &'static str,
    /// What it is, for the first line.
    pub title: &'static str,
    /// Actions the tenant registers first (JSON), if any.
    pub register: Option<&'static str>,
    /// Minutes after the start of the morning, and what happens.
    pub steps: &'static [(i64, Step)],
    /// The filtered view: how it is shown, and the filter.
    pub filtered: (&'static str, fn(&mut Filter)),
    /// The action whose (first) event is shown in detail.
    pub detail: &'static str,
}
