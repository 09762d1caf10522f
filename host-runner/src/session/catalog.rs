//! The `catalog` interface through a session: the profiles, a profile's
//! or a tenant's actions, and registrations of a tenant's own.

use crate::bindings::*;
use crate::boundary;
use crate::error::HostError;
use crate::session::instance::Session;

impl Session {
    /// The built-in profiles.
    pub fn profiles(&mut self) -> Result<Vec<Profile>, HostError> {
        self.call(|audit, store| audit.audit_log_catalog().call_profiles(store).map(Ok))
    }
    /// A profile's catalog.
    pub fn profile_actions(&mut self, profile: &str) -> Result<Vec<ActionDefinition>, HostError> {
        boundary::strings([("profile", profile)], self.options().max_input_bytes)?;
        self.call(|audit, store| {
            audit
                .audit_log_catalog()
                .call_profile_actions(store, profile)
        })
    }
    /// A tenant's catalog: its profile's actions and those it registered.
    pub fn tenant_actions(&mut self, tenant: &str) -> Result<Vec<ActionDefinition>, HostError> {
        boundary::strings([("tenant", tenant)], self.options().max_input_bytes)?;
        self.call(|audit, store| audit.audit_log_catalog().call_tenant_actions(store, tenant))
    }
    /// Registers a tenant's own actions (JSON: one object or an array);
    /// returns the `audit_log.settings_updated` event that records it.
    pub fn register_actions(
        &mut self,
        tenant: &str,
        actions: &str,
        actor: &Actor,
    ) -> Result<Event, HostError> {
        boundary::strings(
            [("tenant", tenant), ("actions", actions)]
                .into_iter()
                .chain(boundary::actor_strings("actor", actor)),
            self.options().max_input_bytes,
        )?;
        let actions = actions.to_string();
        self.call(|audit, store| {
            audit
                .audit_log_catalog()
                .call_register_actions(store, tenant, &actions, actor)
        })
    }
}
