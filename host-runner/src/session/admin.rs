//! The `admin` interface through a session: a tenant's settings, read and
//! replaced or patched (each change recorded in its log).

use crate::bindings::*;
use crate::boundary;
use crate::error::HostError;
use crate::session::instance::Session;

impl Session {
    /// The tenant's settings as canonical JSON, defaults filled in.
    pub fn get_settings(&mut self, tenant: &str) -> Result<String, HostError> {
        boundary::strings([("tenant", tenant)], self.options().max_input_bytes)?;
        self.call(|audit, store| audit.audit_log_admin().call_get_settings(store, tenant))
    }
    /// Replaces the tenant's settings; returns the `audit_log.settings_updated`
    /// event that records the change.
    pub fn put_settings(
        &mut self,
        tenant: &str,
        settings: &str,
        actor: &Actor,
    ) -> Result<Event, HostError> {
        boundary::strings(
            [
                ("tenant", tenant),
                ("settings", settings),
                ("actor.id", &actor.id),
            ],
            self.options().max_input_bytes,
        )?;
        // `json` is a WIT type alias, which bindgen passes as `&String`.
        let settings = settings.to_string();
        self.call(|audit, store| {
            audit
                .audit_log_admin()
                .call_put_settings(store, tenant, &settings, actor)
        })
    }
    /// Changes the tenant's settings by a JSON Merge Patch (RFC 7396);
    /// returns the `audit_log.settings_updated` event that records the change.
    pub fn patch_settings(
        &mut self,
        tenant: &str,
        patch: &str,
        actor: &Actor,
    ) -> Result<Event, HostError> {
        boundary::strings(
            [
                ("tenant", tenant),
                ("settings", patch),
                ("actor.id", &actor.id),
            ],
            self.options().max_input_bytes,
        )?;
        let patch = patch.to_string();
        self.call(|audit, store| {
            audit
                .audit_log_admin()
                .call_patch_settings(store, tenant, &patch, actor)
        })
    }
}
