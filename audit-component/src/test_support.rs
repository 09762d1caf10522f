//! What the unit tests share: clocks that give known times, actors,
//! viewers and a minimal event input to build others from.

#![allow(clippy::unwrap_used)]

use crate::core::model::{Actor, ActorKind, Context, EventInput, Outcome};
use crate::core::store::Clock;
use crate::read::access::Viewer;
use chrono::{DateTime, Duration, Utc};

/// The time the tests' clocks start at: 2026-11-18T13:46:40Z.
pub const START: i64 = 1_795_000_000;

/// A clock that always reads [`START`].
pub struct Fixed;

impl Clock for Fixed {
    fn now(&mut self) -> DateTime<Utc> {
        DateTime::from_timestamp(START, 0).expect("a valid time")
    }
}

/// A clock that moves one second past [`START`] plus its count per reading.
pub struct StepClock(pub i64);

impl Clock for StepClock {
    fn now(&mut self) -> DateTime<Utc> {
        self.0 += 1;
        DateTime::from_timestamp(START + self.0, 0).unwrap()
    }
}

/// A clock that moves 1 ms per reading from its time.
pub struct At(pub DateTime<Utc>);

impl Clock for At {
    fn now(&mut self) -> DateTime<Utc> {
        self.0 += Duration::milliseconds(1);
        self.0
    }
}

/// An [`At`] clock `n` days after [`START`].
pub fn day(n: i64) -> At {
    At(DateTime::from_timestamp(START, 0).unwrap() + Duration::days(n))
}

/// A user with this id and nothing else.
pub fn user(id: &str) -> Actor {
    Actor {
        id: id.into(),
        name: None,
        email: None,
        kind: ActorKind::User,
    }
}

/// The viewer `op` with one role.
pub fn viewer(role: &str) -> Viewer {
    Viewer {
        actor: user("op"),
        roles: vec![role.into()],
        context: Context::default(),
    }
}

/// A success of `action` in `tenant` by user `u_1`, with nothing else.
pub fn input(tenant: &str, action: &str) -> EventInput {
    EventInput {
        tenant: tenant.into(),
        action: action.into(),
        actor: user("u_1"),
        targets: vec![],
        outcome: Outcome::Success,
        failure_reason: None,
        context: Context::default(),
        occurred_at: None,
        before: None,
        after: None,
        metadata: None,
        idempotency_key: None,
    }
}
