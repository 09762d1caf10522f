//! The `admin` interface: a tenant's settings, read and written. No logic
//! lives here.

use super::Component;
use super::convert::*;
use super::generated::audit::log::types as wit;
use super::generated::exports::audit::log::admin as wadmin;
use super::imports::{HostClock, HostStore};
use crate::settings;

impl wadmin::Guest for Component {
    fn get_settings(tenant: String) -> Result<String, wit::Error> {
        let loaded = settings::load(&mut HostStore, &tenant).map_err(error)?;
        settings::to_json(&loaded).map_err(error)
    }

    fn put_settings(
        tenant: String,
        text: String,
        actor: wit::Actor,
    ) -> Result<wit::Event, wit::Error> {
        crate::admin::settings::put(
            &mut HostStore,
            &mut HostClock,
            &tenant,
            &text,
            actor_in(actor),
        )
        .map(event_out)
        .map_err(error)
    }

    fn patch_settings(
        tenant: String,
        patch: String,
        actor: wit::Actor,
    ) -> Result<wit::Event, wit::Error> {
        crate::admin::settings::patch(
            &mut HostStore,
            &mut HostClock,
            &tenant,
            &patch,
            actor_in(actor),
        )
        .map(event_out)
        .map_err(error)
    }
}
