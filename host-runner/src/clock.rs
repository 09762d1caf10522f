//! Clocks for the component's `clock` import.

use crate::bindings::Instant;
use chrono::{DateTime, Utc};

/// A time source. The component calls it once per append call.
pub trait Clock: Send {
    /// The current time.
    fn now(&mut self) -> Instant;
}

/// The system's wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&mut self) -> Instant {
        instant(Utc::now())
    }
}

/// A clock that starts at a given time and moves forward by a fixed step at
/// every reading: reproducible events, hashes included, for tests, demos and
/// documentation.
#[derive(Debug, Clone)]
pub struct SteppingClock {
    next: DateTime<Utc>,
    step: chrono::Duration,
}

impl SteppingClock {
    /// Starts at `start`, moving by `step` per reading.
    pub fn new(start: DateTime<Utc>, step: chrono::Duration) -> Self {
        SteppingClock { next: start, step }
    }

    /// Starts at an RFC 3339 time, moving by one millisecond per reading.
    pub fn parse(start: &str) -> Result<Self, String> {
        let start = DateTime::parse_from_rfc3339(start)
            .map_err(|_| format!("not an RFC 3339 time: {start:?}"))?
            .with_timezone(&Utc);
        Ok(Self::new(start, chrono::Duration::milliseconds(1)))
    }
}

impl Clock for SteppingClock {
    fn now(&mut self) -> Instant {
        let now = self.next;
        self.next += self.step;
        instant(now)
    }
}

fn instant(t: DateTime<Utc>) -> Instant {
    Instant {
        seconds: t.timestamp(),
        nanoseconds: t.timestamp_subsec_nanos(),
    }
}
