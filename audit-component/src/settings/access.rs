//! The settings member `access`: whether a tenant's log may be read, and by
//! which roles; and what a list of role names may hold (a viewer's too).

use crate::core::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// Roles per viewer, and per tenant's allowed list.
pub const MAX_ROLES: usize = 32;
/// Bytes per role name.
pub const MAX_ROLE_BYTES: usize = 64;

/// A tenant's `access` settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AccessSettings {
    /// Whether the tenant's log may be read at all. Default true, so that a
    /// new log can be read at once; a product that makes its customers ask
    /// for the audit log stores false until they do.
    pub enabled: bool,
    /// The roles that may read; a viewer needs one of them. Compared without
    /// regard to ASCII case. Default `admin` and `super_admin`.
    pub roles: Vec<String>,
}

impl Default for AccessSettings {
    fn default() -> Self {
        AccessSettings {
            enabled: true,
            roles: vec!["admin".into(), "super_admin".into()],
        }
    }
}

impl AccessSettings {
    /// Checks the settings (errors name `access.roles`).
    pub fn check(&self) -> Result<()> {
        if self.roles.is_empty() {
            return Err(Error::invalid(
                "access.roles",
                "must name at least one role (set access.enabled to false to refuse every reader)",
            ));
        }
        roles("access.roles", &self.roles)
    }
}

/// A list of role names: at most [`MAX_ROLES`], each 1 to
/// [`MAX_ROLE_BYTES`] ASCII letters, digits and `_ - . :`.
pub fn roles(field: &str, roles: &[String]) -> Result<()> {
    if roles.len() > MAX_ROLES {
        return Err(Error::too_large(field, MAX_ROLES, roles.len(), "items"));
    }
    for (i, role) in roles.iter().enumerate() {
        if role.len() > MAX_ROLE_BYTES {
            return Err(Error::too_large(
                format!("{field}[{i}]"),
                MAX_ROLE_BYTES,
                role.len(),
                "bytes",
            ));
        }
        if role.is_empty()
            || !role
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_-.:".contains(&b))
        {
            return Err(Error::invalid(
                format!("{field}[{i}]"),
                "a role is 1 to 64 ASCII letters, digits and _ - . :",
            ));
        }
    }
    Ok(())
}
