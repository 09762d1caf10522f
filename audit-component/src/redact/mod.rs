//! Redaction: secrets are replaced before anything else sees them (the
//! diff, the hash, the store, every output).
//!
//! A value is hidden when
//! - its member name is sensitive: it contains one of the sensitive terms
//!   ([`DEFAULT_KEYS`] and the tenant's extra keys) as whole words, or ends
//!   with one, case and separators aside (`password`, `newPassword`,
//!   `user_password`, `API-Key`, `x-api-key`, `apiKey`, `Set-Cookie`), plural
//!   included (`tokens`); the whole value is hidden, whatever its type,
//!   except `null` (there is nothing to hide);
//! - it is a string holding a JWT (`eyJ...` with three dot-separated
//!   base64url parts) or an `Authorization` credential (`Bearer ...`,
//!   `Basic ...`): the whole string is hidden;
//! - it holds a payment card number: 13 to 19 digits (spaces or dashes
//!   between groups allowed) starting with 2 to 6 (the issuer ranges of card
//!   networks) and passing the Luhn check. The number is masked: the last
//!   four digits stay, and the first six too when at least six digits remain
//!   hidden (16 digits and more), as PCI DSS 3.4.1 allows at most; a JSON
//!   number becomes the masked string.
//!
//! A member named in the exceptions is not hidden for its name, and a
//! scalar under it is kept as it is; what is inside an object or array
//! under it is checked as usual. Member names themselves are never hidden.
//!
//! Hidden values are written as `"[redacted]"` (or the masked number) and
//! compared by a digest: the tenant's keyed fingerprint (HMAC-SHA-256,
//! computed by the host, which holds the key) when the host has a key, else
//! a SHA-256 kept in memory for the length of one diff. So a changed secret
//! is reported as changed, an unchanged one not at all, and the secret
//! itself goes nowhere.

mod cards;
mod credentials;
mod names;
mod redactor;

pub use crate::json::node::PLACEHOLDER;
pub use cards::mask_card;
pub use names::{Class, DEFAULT_KEYS, Rules, is_always_hidden, words};
pub use redactor::{FINGERPRINT_DOMAIN, Fingerprints, Redactor, sensitive_text};

#[cfg(test)]
mod tests;
