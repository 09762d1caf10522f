//! The `log` interface through a session: appends (one event, a batch, a
//! bulk operation) and reads (a page, one event).

use crate::bindings::*;
use crate::boundary;
use crate::error::HostError;
use crate::session::instance::Session;

impl Session {
    /// Records one event; returns it as stored.
    pub fn append(&mut self, event: &EventInput) -> Result<Event, HostError> {
        boundary::event_input(event, self.options().max_input_bytes)?;
        self.call(|audit, store| audit.audit_log_log().call_append(store, event))
    }
    /// Records a batch, all or nothing.
    pub fn append_batch(&mut self, events: &[EventInput]) -> Result<Vec<Event>, HostError> {
        boundary::event_inputs(events, self.options().max_input_bytes)?;
        self.call(|audit, store| audit.audit_log_log().call_append_batch(store, events))
    }
    /// Records the events written in `text` (JSON, an array or JSON Lines,
    /// as [`Session::parse_inputs`] reads) as one batch, all or nothing,
    /// and returns the stored events as JSON Lines: `parse_inputs` and
    /// `append_batch` in one call, with one string each way.
    pub fn append_json(
        &mut self,
        text: &str,
        default_tenant: Option<&str>,
    ) -> Result<String, HostError> {
        boundary::strings(
            [("input", text), ("tenant", default_tenant.unwrap_or(""))],
            self.options().max_input_bytes,
        )?;
        self.call(|audit, store| {
            audit
                .audit_log_log()
                .call_append_json(store, text, default_tenant)
        })
    }

    /// Records a bulk operation: the parent and one event per affected
    /// entity, linked by the parent's id, all or nothing.
    pub fn append_bulk(
        &mut self,
        parent: &EventInput,
        children: &[EventInput],
    ) -> Result<Vec<Event>, HostError> {
        boundary::bulk_inputs(parent, children, self.options().max_input_bytes)?;
        self.call(|audit, store| {
            audit
                .audit_log_log()
                .call_append_bulk(store, parent, children)
        })
    }
    /// Reads one page.
    pub fn query(&mut self, request: &PageRequest) -> Result<Page, HostError> {
        boundary::page_request(request, self.options().max_input_bytes)?;
        self.call(|audit, store| audit.audit_log_log().call_query(store, request))
    }
    /// Reads one event by id, for a viewer (the read is recorded).
    pub fn get_event(
        &mut self,
        tenant: &str,
        id: &str,
        viewer: &Viewer,
    ) -> Result<Event, HostError> {
        boundary::strings(
            [("tenant", tenant), ("id", id)]
                .into_iter()
                .chain(boundary::viewer_strings(viewer)),
            self.options().max_input_bytes,
        )?;
        self.call(|audit, store| {
            audit
                .audit_log_log()
                .call_get_event(store, tenant, id, viewer)
        })
    }
}
