//! What someone typed at a sign-in (or a password recovery) that matched no
//! account. People type passwords into user-name fields, so such an
//! identifier is never stored, shown or hashed in the clear: the log keeps a
//! keyed fingerprint (so that repeated attempts with the same identifier
//! can be counted and searched for) and a masked form (so that an admin can
//! recognise a typo without learning a secret).

use crate::core::chain;
use crate::core::error::{Error, Result};
use crate::core::limits::MAX_ID_BYTES;
use crate::core::store::Store;

/// The fingerprint's domain: distinct from the fingerprints of redacted
/// values, so that an identifier's fingerprint never equals a stored
/// password's even when someone typed that password as their user name.
pub const DOMAIN: &[u8] = b"audit:log/identifier/v1\0";

/// An identifier as the log keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hidden {
    /// Lowercase hex HMAC-SHA-256 of the normalised identifier under the
    /// tenant's key; `None` when the host has no key for the tenant.
    pub fingerprint: Option<String>,
    /// The masked form ([`mask`]).
    pub masked: String,
}

/// The form that is fingerprinted: surrounding whitespace removed and
/// lowercased (Unicode), so that `Ana@Acme.test ` and `ana@acme.test` count
/// as the same identifier.
pub fn normalise(text: &str) -> String {
    text.trim().to_lowercase()
}

/// The masked form: an e-mail address keeps the first character of its
/// local part and its domain (`j***@acme.test`); anything else keeps its
/// first character when it has at least four (`C***`), else nothing
/// (`***`). The length is never shown.
pub fn mask(text: &str) -> String {
    let text = text.trim();
    if let Some((local, domain)) = text.rsplit_once('@')
        && is_domain(domain)
        && let Some(first) = local.chars().next()
        && !local.contains('@')
    {
        return format!("{}***@{}", visible(first), domain.to_lowercase());
    }
    match text.chars().next() {
        Some(first) if text.chars().count() >= 4 => format!("{}***", visible(first)),
        _ => "***".into(),
    }
}

/// A character that may be shown as the first one of a masked form:
/// letters and digits as they are, anything else hidden too.
fn visible(c: char) -> String {
    if c.is_alphanumeric() {
        c.to_string()
    } else {
        "*".into()
    }
}

/// A DNS name with at least two labels of letters, digits and `-`, and an
/// alphabetic top-level label: `acme.test`, not `ssw0rd` or `1.2`.
fn is_domain(d: &str) -> bool {
    let labels: Vec<&str> = d.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()))
}

/// Hides an identifier for `tenant`: checks it (`field` names it in
/// errors, which never quote it), fingerprints it through the host's
/// keyring and masks it.
pub fn hide(store: &mut impl Store, tenant: &str, field: &str, text: &str) -> Result<Hidden> {
    if text.len() > MAX_ID_BYTES {
        return Err(Error::too_large(field, MAX_ID_BYTES, text.len(), "bytes"));
    }
    let normal = normalise(text);
    if normal.is_empty() {
        return Err(Error::invalid(field, "required, and must not be blank"));
    }
    let mut message = DOMAIN.to_vec();
    message.extend_from_slice(normal.as_bytes());
    let fingerprint = match store
        .fingerprints(tenant, &[message])
        .map_err(crate::core::error::store_error)?
    {
        None => None,
        Some(digests) => match digests.as_slice() {
            [digest] => Some(chain::hex(digest)),
            other => {
                return Err(Error::Store(format!(
                    "keyring: {} fingerprints for 1 message",
                    other.len()
                )));
            }
        },
    };
    Ok(Hidden {
        fingerprint,
        masked: mask(text),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_show_little() {
        assert_eq!(mask("john.smith@acme.test"), "j***@acme.test");
        assert_eq!(mask("  John@ACME.test "), "J***@acme.test");
        assert_eq!(mask("CorrectHorse-Battery-9"), "C***");
        assert_eq!(mask("p@ssw0rd"), "p***");
        assert_eq!(mask("me@home.1"), "m***");
        assert_eq!(mask("abc"), "***");
        assert_eq!(mask("%secret%"), "****");
        assert_eq!(mask("@acme.test"), "****");
        for secret in ["hunter2hunter2", "Tr0ub4dor&3", "s3cr3t@corp"] {
            let m = mask(secret);
            assert!(!m.contains(&secret[1..]), "{m}");
        }
    }

    #[test]
    fn normal_forms_count_together() {
        assert_eq!(normalise(" Ana@Acme.TEST\t"), "ana@acme.test");
    }
}
