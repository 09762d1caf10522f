//! Viewer tokens: short-lived credentials a product's backend asks for on
//! behalf of one admin, so that the admin's browser can read the log alone.
//!
//! A token is `avt1.<payload>.<mac>`: the payload is base64url JSON
//! (`tenant`, `viewer`, `exp` in Unix seconds), the mac is base64url
//! HMAC-SHA-256 over `avt1.<payload>` with a key derived per tenant from the
//! store's master key (`MasterKey::purpose_key`), so every `serve` process
//! of the store accepts the tokens of the others, a token of one tenant can
//! never pass as another's, and a changed byte fails the check. The mac is
//! compared in constant time (`hmac`'s `verify_slice`).

use crate::json::viewer::ViewerJson;
use audit_host::MasterKey;
use base64ct::{Base64UrlUnpadded, Encoding as _};
use hmac::{Hmac, Mac as _};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

const PREFIX: &str = "avt1.";
const PURPOSE: &str = "viewer-token";

/// The longest a token may live: a day.
pub const MAX_TTL_SECONDS: u64 = 86_400;
/// The default life of a token: 15 minutes.
pub const DEFAULT_TTL_SECONDS: u64 = 900;

/// What a token says.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claims {
    /// The tenant whose log it reads.
    pub tenant: String,
    /// Who reads.
    pub viewer: ViewerJson,
    /// When it expires, in Unix seconds.
    pub exp: i64,
}

/// Whether a bearer credential is a viewer token (rather than a key).
pub fn is_token(bearer: &str) -> bool {
    bearer.starts_with(PREFIX)
}

/// A signed token for `claims`.
pub fn issue(master: &MasterKey, claims: &Claims) -> String {
    let payload = serde_json::to_vec(claims).expect("claims serialise");
    let signed = format!("{PREFIX}{}", Base64UrlUnpadded::encode_string(&payload));
    let mut mac = mac(master, &claims.tenant);
    mac.update(signed.as_bytes());
    let tag = mac.finalize().into_bytes();
    format!("{signed}.{}", Base64UrlUnpadded::encode_string(&tag))
}

/// The claims of a token whose mac verifies and that has not expired at
/// `now` (Unix seconds); why not otherwise, in words that name no secret.
pub fn check(master: &MasterKey, token: &str, now: i64) -> Result<Claims, &'static str> {
    let rest = token.strip_prefix(PREFIX).ok_or("not a viewer token")?;
    let (payload, tag) = rest.split_once('.').ok_or("a malformed viewer token")?;
    let payload_bytes =
        Base64UrlUnpadded::decode_vec(payload).map_err(|_| "a malformed viewer token")?;
    let tag = Base64UrlUnpadded::decode_vec(tag).map_err(|_| "a malformed viewer token")?;
    let claims: Claims =
        serde_json::from_slice(&payload_bytes).map_err(|_| "a malformed viewer token")?;
    let mut mac = mac(master, &claims.tenant);
    mac.update(token[..PREFIX.len() + payload.len()].as_bytes());
    mac.verify_slice(&tag)
        .map_err(|_| "a viewer token whose signature does not verify")?;
    if claims.exp <= now {
        return Err("an expired viewer token");
    }
    Ok(claims)
}

fn mac(master: &MasterKey, tenant: &str) -> HmacSha256 {
    HmacSha256::new_from_slice(&master.purpose_key(PURPOSE, tenant))
        .expect("HMAC takes any key length")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(tenant: &str, exp: i64) -> Claims {
        Claims {
            tenant: tenant.into(),
            viewer: ViewerJson {
                id: "u_1".into(),
                name: None,
                email: None,
                kind: None,
                roles: vec!["admin".into()],
            },
            exp,
        }
    }

    #[test]
    fn a_token_verifies_until_it_expires_and_not_after_any_change() {
        let master = MasterKey::generate().unwrap();
        let token = issue(&master, &claims("acme", 100));
        assert_eq!(check(&master, &token, 99).unwrap().tenant, "acme");
        assert!(check(&master, &token, 100).is_err());
        let other = MasterKey::generate().unwrap();
        assert!(check(&other, &token, 0).is_err());
        // Another tenant's claims under the same mac fail.
        let forged = issue(&master, &claims("globex", 100));
        let (_, forged_payload) = forged.split_at(PREFIX.len());
        let forged_payload = forged_payload.split('.').next().unwrap();
        let tag = token.rsplit('.').next().unwrap();
        assert!(check(&master, &format!("{PREFIX}{forged_payload}.{tag}"), 0).is_err());
        for i in PREFIX.len()..token.len() {
            let mut bytes = token.clone().into_bytes();
            bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
            let changed = String::from_utf8(bytes).unwrap();
            if changed != token {
                assert!(check(&master, &changed, 0).is_err(), "byte {i}");
            }
        }
    }
}
