//! The `catalog` interface: conversions between the generated types and the
//! engine's `catalog` module. No logic lives here.

use super::Component;
use super::convert::*;
use super::generated::audit::log::types as wit;
use super::generated::exports::audit::log::catalog as wc;
use super::imports::{HostClock, HostStore};
use crate::catalog::{self, Catalog, Entry, Origin};
use crate::settings;

impl wc::Guest for Component {
    fn profiles() -> Vec<wc::Profile> {
        catalog::PROFILES
            .iter()
            .map(|p| wc::Profile {
                name: p.name.into(),
                label: p.label.into(),
                categories: p
                    .categories
                    .iter()
                    .map(|(name, label)| wc::Category {
                        name: (*name).into(),
                        label: (*label).into(),
                    })
                    .collect(),
            })
            .collect()
    }

    fn profile_actions(profile: String) -> Result<Vec<wc::ActionDefinition>, wit::Error> {
        let p = catalog::profile_named("profile", &profile).map_err(error)?;
        Ok(entries_out(Catalog::of_profile(p).entries()))
    }

    fn tenant_actions(tenant: String) -> Result<Vec<wc::ActionDefinition>, wit::Error> {
        let loaded = settings::load(&mut HostStore, &tenant).map_err(error)?;
        Ok(entries_out(loaded.catalog.catalog().entries()))
    }

    fn register_actions(
        tenant: String,
        actions: String,
        actor: wit::Actor,
    ) -> Result<wit::Event, wit::Error> {
        crate::admin::register::register(
            &mut HostStore,
            &mut HostClock,
            &tenant,
            &actions,
            actor_in(actor),
        )
        .map(event_out)
        .map_err(error)
    }
}

fn entries_out(entries: Vec<Entry<'_>>) -> Vec<wc::ActionDefinition> {
    entries
        .into_iter()
        .map(|e| wc::ActionDefinition {
            name: e.name.into_owned(),
            label: e.label.into_owned(),
            category: e.category.into_owned(),
            change_type: e.change_type.into(),
            target_kinds: e.targets.into_iter().map(|t| t.into_owned()).collect(),
            origin: match e.origin {
                Origin::Log => wc::ActionOrigin::Log,
                Origin::Authentication => wc::ActionOrigin::Authentication,
                Origin::Profile => wc::ActionOrigin::Profile,
                Origin::Registered => wc::ActionOrigin::Registered,
            },
        })
        .collect()
}
