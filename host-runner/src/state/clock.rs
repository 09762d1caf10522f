//! The `clock` import: the host's clock, the only time the component sees.

use crate::bindings::{self, Instant};
use crate::state::host_state::HostState;

impl bindings::audit::log::clock::Host for HostState {
    fn now(&mut self) -> Instant {
        self.clock.now()
    }
}
