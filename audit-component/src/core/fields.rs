//! Checks of the names every layer takes: a tenant and an action. Each
//! error names the field and never echoes the value.

use crate::core::error::{Error, Result};
use crate::core::limits::MAX_NAME_BYTES;

/// A tenant name: 1 to 128 ASCII letters, digits and `.`, `_`, `-`, `:`, `@`.
pub fn tenant(t: &str) -> Result<()> {
    if t.is_empty() {
        return Err(Error::invalid("tenant", "required"));
    }
    if t.len() > MAX_NAME_BYTES {
        return Err(Error::too_large("tenant", MAX_NAME_BYTES, t.len(), "bytes"));
    }
    if !t
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"._-:@".contains(&b))
    {
        return Err(Error::invalid(
            "tenant",
            "only ASCII letters, digits and . _ - : @ are allowed",
        ));
    }
    Ok(())
}

/// An action name: `entity.verb`, lowercase ASCII letters, digits and `_`
/// in two or more non-empty parts joined by `.`.
pub fn action(a: &str) -> Result<()> {
    if a.is_empty() {
        return Err(Error::invalid("action", "required"));
    }
    let parts_ok = a.split('.').all(|p| {
        !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    });
    if !parts_ok || !a.contains('.') {
        return Err(Error::invalid(
            "action",
            "must be entity.verb: lowercase letters, digits and _ in parts joined by . (such as user.login_failed)",
        ));
    }
    Ok(())
}

/// The longest idempotency key, in bytes (as Stripe's).
pub const MAX_IDEMPOTENCY_KEY_BYTES: usize = 255;

/// An idempotency key: 1 to 255 visible ASCII characters (a UUID, a
/// request id, a hash of the producer's own record), so that it reads the
/// same in every header, file and language.
pub fn idempotency_key(k: &str) -> Result<()> {
    const FIELD: &str = "idempotency_key";
    if k.is_empty() {
        return Err(Error::invalid(
            FIELD,
            "empty; leave the field out for an event without a key",
        ));
    }
    if k.len() > MAX_IDEMPOTENCY_KEY_BYTES {
        return Err(Error::too_large(
            FIELD,
            MAX_IDEMPOTENCY_KEY_BYTES,
            k.len(),
            "bytes",
        ));
    }
    if !k.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::invalid(
            FIELD,
            "only visible ASCII characters (no spaces or control characters)",
        ));
    }
    Ok(())
}
