//! From JSON text to what is kept: documents are parsed strictly
//! ([`crate::json::node`]), their secrets hidden ([`crate::redact`]), then
//! compared ([`crate::diff`]). The append path and the `diff` interface
//! both go through here, so an event's changes and a diff of the same
//! documents are the same.

use crate::core::error::{Error, Result};
use crate::core::limits::MAX_STATE_BYTES;
use crate::core::model::Change;
use crate::diff::{self, Hidden, Node};
use crate::redact::{Fingerprints, Redactor};
use crate::settings::rules::Rules;
use serde_json::Value;

/// Asks the host for the keyed fingerprints of messages under a named
/// tenant's key.
pub type TenantFingerprints<'f> = dyn FnMut(&str, &[Vec<u8>]) -> Result<Option<Vec<[u8; 32]>>> + 'f;

/// Both outputs of one diff.
#[derive(Debug, Clone, PartialEq)]
pub struct Compared {
    /// The RFC 6902 patch, as canonical JSON text.
    pub patch: String,
    /// The change list.
    pub changes: Vec<Change>,
}

/// One request of the `diff` interface: the rules from a settings document
/// (absent: the defaults) for an action, and fingerprints under the
/// tenant's key when a tenant is named. `keyring` gets the tenant and the
/// messages.
pub fn request(
    before: &str,
    after: &str,
    settings: Option<&str>,
    action: Option<&str>,
    tenant: Option<&str>,
    keyring: &mut TenantFingerprints,
) -> Result<Compared> {
    requested(before, after, settings, action, tenant, keyring, compare)
}

/// [`request`]'s patch alone (the `diff` interface's `patch`): the change
/// list is never built.
pub fn request_patch(
    before: &str,
    after: &str,
    settings: Option<&str>,
    action: Option<&str>,
    tenant: Option<&str>,
    keyring: &mut TenantFingerprints,
) -> Result<String> {
    requested(
        before,
        after,
        settings,
        action,
        tenant,
        keyring,
        compare_patch,
    )
}

/// A request's checks and rules, then `how` on the documents.
fn requested<T>(
    before: &str,
    after: &str,
    settings: Option<&str>,
    action: Option<&str>,
    tenant: Option<&str>,
    keyring: &mut TenantFingerprints,
    how: fn(&str, &str, &Rules, &mut Fingerprints) -> Result<T>,
) -> Result<T> {
    if let Some(action) = action {
        crate::core::fields::action(action)?;
    }
    if let Some(tenant) = tenant {
        crate::core::fields::tenant(tenant)?;
    }
    let settings = match settings {
        Some(text) => crate::settings::parse(text)?,
        None => crate::settings::TenantSettings::default(),
    };
    let rules = settings.rules(action);
    how(before, after, &rules, &mut |messages| match tenant {
        Some(tenant) => keyring(tenant, messages),
        None => Ok(None),
    })
}

/// Diffs two documents (both present).
pub fn compare(
    before: &str,
    after: &str,
    rules: &Rules,
    fingerprints: &mut Fingerprints,
) -> Result<Compared> {
    diffed(before, after, rules, fingerprints, |ops, hidden| Compared {
        patch: diff::patch(ops, hidden),
        changes: diff::changes(ops, hidden),
    })
}

/// [`compare`]'s patch alone.
pub fn compare_patch(
    before: &str,
    after: &str,
    rules: &Rules,
    fingerprints: &mut Fingerprints,
) -> Result<String> {
    diffed(before, after, rules, fingerprints, diff::patch)
}

/// Both documents parsed, redacted and diffed; `out` writes what the caller
/// wants of the operations (they borrow from the parsed documents).
fn diffed<T>(
    before: &str,
    after: &str,
    rules: &Rules,
    fingerprints: &mut Fingerprints,
    out: impl FnOnce(&[diff::Op], &[Hidden]) -> T,
) -> Result<T> {
    size("before", before)?;
    size("after", after)?;
    let mut b = diff::node::parse("before", before)?;
    let mut a = diff::node::parse("after", after)?;
    let hidden = redact_both(Some(&mut b), Some(&mut a), rules, fingerprints)?;
    let ops = diff::diff(&b, &a, &hidden, &rules.diff);
    Ok(out(&ops, &hidden))
}

/// The changes between an entity's states, either of which may be absent
/// (a JSON `null` state is absent): the append path. Sizes are checked by
/// the caller.
pub fn event_changes(
    before: Option<&str>,
    after: Option<&str>,
    rules: &Rules,
    fingerprints: &mut Fingerprints,
) -> Result<Vec<Change>> {
    let mut b = state("before", before)?;
    let mut a = state("after", after)?;
    let hidden = redact_both(b.as_mut(), a.as_mut(), rules, fingerprints)?;
    let ops = diff::diff_states(b.as_ref(), a.as_ref(), &hidden, &rules.diff);
    Ok(diff::changes(&ops, &hidden))
}

/// A JSON document with its secrets written as placeholders (for
/// `metadata`, which is stored whole).
pub fn redacted_value(field: &str, text: &str, rules: &Rules) -> Result<Value> {
    let mut node = diff::node::parse(field, text)?;
    let mut redactor = Redactor::new(&rules.redaction);
    redactor.redact(&mut node);
    // Placeholders only: no digest is needed where nothing is compared.
    let hidden = redactor.finish(&mut |_| Ok(None))?;
    Ok(diff::node::to_value(&node, &hidden))
}

fn size(field: &str, text: &str) -> Result<()> {
    if text.len() > MAX_STATE_BYTES {
        return Err(Error::too_large(
            field,
            MAX_STATE_BYTES,
            text.len(),
            "bytes",
        ));
    }
    Ok(())
}

fn state<'a>(field: &str, text: Option<&'a str>) -> Result<Option<Node<'a>>> {
    match text {
        None => Ok(None),
        Some(text) => match diff::node::parse(field, text)? {
            Node::Null => Ok(None),
            node => Ok(Some(node)),
        },
    }
}

fn redact_both<'a>(
    before: Option<&mut Node<'a>>,
    after: Option<&mut Node<'a>>,
    rules: &Rules,
    fingerprints: &mut Fingerprints,
) -> Result<Vec<Hidden>> {
    let mut redactor = Redactor::new(&rules.redaction);
    for node in [before, after].into_iter().flatten() {
        redactor.redact(node);
    }
    redactor.finish(fingerprints)
}
