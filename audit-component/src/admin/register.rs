//! Registering a tenant's own actions: merged into its settings
//! (`catalog.actions`) and recorded like every settings change, as an
//! `audit_log.settings_updated` event whose changes show what was added or
//! relabelled, so that registrations live where settings live (the store's
//! `put-settings`) and survive every restart of every host.

use crate::catalog::definition::{self, Definition};
use crate::core::error::Result;
use crate::core::model::{Actor, Event};
use crate::core::store::{Clock, Store};
use crate::settings;
use serde_json::json;

/// Registers the actions in `text` (one JSON object or an array) for
/// `tenant`, by `actor`: a name registered before is replaced (a new label,
/// say), any other is added. All or nothing: errors name the definition
/// (`actions[2].change_type`) and nothing changes.
pub fn register(
    store: &mut impl Store,
    clock: &mut impl Clock,
    tenant: &str,
    text: &str,
    actor: Actor,
) -> Result<Event> {
    crate::core::fields::tenant(tenant)?;
    let given = definition::parse(text)?;
    let old = settings::load(store, tenant)?;
    let profile = old
        .catalog
        .profile
        .as_deref()
        .and_then(crate::catalog::profile);
    // Checked as given, so that errors name the caller's index; then the
    // merged list as a whole (its size).
    definition::check_all(&given, profile)?;
    let mut new = old.clone();
    let names: Vec<String> = given.iter().map(|d| d.name.clone()).collect();
    for d in given {
        merge(&mut new.catalog.actions, d);
    }
    definition::check_all(&new.catalog.actions, profile).map_err(|e| e.within("catalog"))?;
    crate::admin::settings::apply(
        store,
        clock,
        tenant,
        &old,
        &new,
        actor,
        Some(json!({ "registered_actions": names })),
    )
}

/// Replaces the definition of the same name, or appends it.
fn merge(list: &mut Vec<Definition>, d: Definition) {
    match list.iter_mut().find(|old| old.name == d.name) {
        Some(old) => *old = d,
        None => list.push(d),
    }
}
