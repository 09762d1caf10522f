//! Every built-in profile, found by name.

use super::builtin::Profile;
use super::{contact_center, crm, cx, qa};
use crate::core::error::{Error, Result};

/// Every profile.
pub const PROFILES: &[&Profile] = &[
    &qa::PROFILE,
    &contact_center::PROFILE,
    &crm::PROFILE,
    &cx::PROFILE,
];

/// The profile with this name.
pub fn profile(name: &str) -> Option<&'static Profile> {
    PROFILES.iter().copied().find(|p| p.name == name)
}

/// The profile with this name, or an error naming `field` and the choices.
pub fn profile_named(field: &str, name: &str) -> Result<&'static Profile> {
    profile(name).ok_or_else(|| {
        Error::invalid(
            field,
            format!(
                "unknown profile; expected one of {}",
                PROFILES
                    .iter()
                    .map(|p| p.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    })
}
