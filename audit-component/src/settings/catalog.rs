//! The settings member `catalog`: the tenant's profile and the actions it
//! registered.

use crate::catalog::{self, Catalog, Definition};
use crate::core::error::Result;
use serde::{Deserialize, Serialize};

/// A tenant's `catalog` settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CatalogSettings {
    /// The tenant's profile (`qa`, `contact-center`, `crm`, `cx`), or none.
    pub profile: Option<String>,
    /// The actions the tenant registered.
    pub actions: Vec<Definition>,
}

impl CatalogSettings {
    /// Checks the profile's name and every registration against it; errors
    /// name the member (`catalog.actions[2].label`).
    pub fn check(&self) -> Result<()> {
        let profile = match &self.profile {
            None => None,
            Some(name) => Some(catalog::profile_named("catalog.profile", name)?),
        };
        catalog::definition::check_all(&self.actions, profile).map_err(|e| e.within("catalog"))
    }

    /// The tenant's catalog: its profile and registrations over the
    /// built-ins (the settings were checked when they were parsed, so an
    /// unknown profile cannot occur; it would read as none).
    pub fn catalog(&self) -> Catalog<'_> {
        Catalog::new(
            self.profile.as_deref().and_then(catalog::profile),
            &self.actions,
        )
    }
}
