//! The `log` interface: appends and reads. No logic lives here.

use super::Component;
use super::convert::*;
use super::generated::audit::log::types as wit;
use super::generated::exports::audit::log::log as wlog;
use super::imports::{HostClock, HostStore};
use crate::ingest::{append, bulk};
use crate::read::query;

impl wlog::Guest for Component {
    fn append(event: wit::EventInput) -> Result<wit::Event, wit::Error> {
        append::append_one(&mut HostStore, &mut HostClock, input(event))
            .map(event_out)
            .map_err(error)
    }

    fn append_batch(events: Vec<wit::EventInput>) -> Result<Vec<wit::Event>, wit::Error> {
        let inputs = events.into_iter().map(input).collect();
        append::append_batch(&mut HostStore, &mut HostClock, inputs)
            .map(|events| events.into_iter().map(event_out).collect())
            .map_err(error)
    }

    fn append_json(text: String, default_tenant: Option<String>) -> Result<String, wit::Error> {
        crate::ingest::text::append_json(
            &mut HostStore,
            &mut HostClock,
            &text,
            default_tenant.as_deref(),
        )
        .map_err(error)
    }

    fn append_bulk(
        parent: wit::EventInput,
        children: Vec<wit::EventInput>,
    ) -> Result<Vec<wit::Event>, wit::Error> {
        let children = children.into_iter().map(input).collect();
        bulk::append_bulk(&mut HostStore, &mut HostClock, input(parent), children)
            .map(|events| events.into_iter().map(event_out).collect())
            .map_err(error)
    }

    fn query(request: wit::PageRequest) -> Result<wit::Page, wit::Error> {
        let request = page_request_in(request);
        let page = query::query(&mut HostStore, &mut HostClock, &request).map_err(error)?;
        Ok(wit::Page {
            events: page.events.into_iter().map(event_out).collect(),
            next_cursor: page.next_cursor,
            total: page.total,
        })
    }

    fn get_event(
        tenant: String,
        id: String,
        viewer: wit::Viewer,
    ) -> Result<wit::Event, wit::Error> {
        query::get_event(
            &mut HostStore,
            &mut HostClock,
            &tenant,
            &id,
            &viewer_in(viewer),
        )
        .map(event_out)
        .map_err(error)
    }
}
