//! The `codec` interface through a session: JSON text into event inputs,
//! and a stored event as one line of canonical JSON.

use crate::bindings::*;
use crate::boundary;
use crate::error::HostError;
use crate::session::instance::Session;

impl Session {
    /// Parses JSON text (an object, an array or JSON Lines) into event inputs.
    pub fn parse_inputs(
        &mut self,
        text: &str,
        default_tenant: Option<&str>,
    ) -> Result<Vec<EventInput>, HostError> {
        boundary::strings(
            [("input", text), ("tenant", default_tenant.unwrap_or(""))],
            self.options().max_input_bytes,
        )?;
        self.call(|audit, store| {
            audit
                .audit_log_codec()
                .call_parse_inputs(store, text, default_tenant)
        })
    }
    /// Like [`parse_inputs`](Self::parse_inputs), for bytes as read from a
    /// file or a socket: refused with `input: not valid UTF-8 (at byte N)`
    /// or `input: N bytes, over the limit of M bytes` before anything
    /// reaches the component.
    pub fn parse_input_bytes(
        &mut self,
        bytes: &[u8],
        default_tenant: Option<&str>,
    ) -> Result<Vec<EventInput>, HostError> {
        let text = boundary::text_bytes(bytes, self.options().max_input_bytes)?;
        self.parse_inputs(text, default_tenant)
    }
    /// A stored event as one line of canonical JSON.
    pub fn to_json(&mut self, event: &Event) -> Result<String, HostError> {
        boundary::event(event, self.options().max_input_bytes)?;
        self.call(|audit, store| audit.audit_log_codec().call_to_json(store, event))
    }
}
