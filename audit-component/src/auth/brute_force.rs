//! Failed sign-ins counted per account and per source IP in a sliding
//! window; crossing the tenant's threshold raises one
//! `security.brute_force_suspected` event per key and window.
//!
//! The count is taken when a failure is recorded: the tenant's events that
//! occurred in the window ending at the failure (the store's time-range
//! scan: `[at - window, at]`) plus the failure itself. A key is an account
//! (`user` and its id; `identifier` and its fingerprint for identifiers that
//! match no account) or an address (`ip_address`). A key that reaches the
//! threshold raises an alert unless an alert naming it (as a target)
//! occurred less than a window's length before or after the failure: so at
//! most one alert per key in any window's length, and none before the
//! threshold. Looking after the failure too matters because events may
//! arrive out of order (a host replaying or back-filling a morning): an
//! alert already recorded for a later minute covers this one.

use crate::catalog::auth::{BRUTE_FORCE, CATEGORY, LOGIN_FAILED, LOGIN_FAILED_VALID_ACCOUNT};
use crate::core::error::Result;
use crate::core::model::{Context, EventInput, Outcome, Target};
use crate::core::own;
use crate::core::row::decode;
use crate::core::store::Store;
use crate::core::time;
use crate::json::canonical;
use crate::read::scan::{MAX_BATCH_ROWS, Scanner};
use crate::settings::auth::BruteForceSettings;
use chrono::{DateTime, Duration, Utc};
use memchr::memmem;
use serde_json::{Map, json};

/// The target kind of an address key.
pub const IP_KIND: &str = "ip_address";

/// What a failure is counted under.
#[derive(Debug, Clone, Default)]
pub struct Keys {
    /// The account: `user` with its id, or `identifier` with its fingerprint.
    pub account: Option<Target>,
    /// The source address, canonical.
    pub ip: Option<String>,
}

/// The alert to record with a failure at `at`, if it crosses the threshold
/// for a key not alerted in the window.
pub fn check(
    store: &mut impl Store,
    settings: &BruteForceSettings,
    tenant: &str,
    at: DateTime<Utc>,
    keys: &Keys,
) -> Result<Option<EventInput>> {
    let ip_target = keys.ip.as_ref().map(|ip| Target {
        kind: IP_KIND.into(),
        id: ip.clone(),
        name: None,
    });
    if keys.account.is_none() && ip_target.is_none() {
        return Ok(None);
    }
    let window = Duration::minutes(i64::from(settings.window_minutes));
    let start = at - window;
    // This failure is not stored yet: it counts as one.
    let (mut by_account, mut by_ip) = (1u64, 1u64);
    let (mut account_alerted, mut ip_alerted) = (false, false);
    let needle = {
        let mut n = String::new();
        canonical::write_string("category", &mut n);
        n.push(':');
        canonical::write_string(CATEGORY, &mut n);
        n
    };
    let finder = memmem::Finder::new(needle.as_bytes());
    let at_us = time::micros(at);
    let bounds = (
        Some(time::micros(start)),
        Some(
            time::micros(
                at.checked_add_signed(window)
                    .unwrap_or(DateTime::<Utc>::MAX_UTC),
            )
            .saturating_add(1),
        ),
    );
    let mut scan = Scanner::new(tenant, false, None, bounds, MAX_BATCH_ROWS);
    let same = |a: &Option<Target>, t: &Target| {
        a.as_ref().is_some_and(|a| a.kind == t.kind && a.id == t.id)
    };
    while let Some(rows) = scan.next_batch(store)? {
        for row in rows {
            if finder.find(row.body.as_bytes()).is_none() {
                continue;
            }
            let counted = row.occurred_at_us <= at_us;
            let event = decode(tenant, row)?;
            if event.action == BRUTE_FORCE {
                account_alerted |= event.targets.iter().any(|t| same(&keys.account, t));
                ip_alerted |= event.targets.iter().any(|t| same(&ip_target, t));
            } else if counted
                && (event.action == LOGIN_FAILED || event.action == LOGIN_FAILED_VALID_ACCOUNT)
                && event.outcome == Outcome::Failure
            {
                if event.targets.iter().any(|t| same(&keys.account, t)) {
                    by_account += 1;
                }
                if keys.ip.is_some() && event.context.ip == keys.ip {
                    by_ip += 1;
                }
            }
        }
    }
    let threshold = u64::from(settings.threshold);
    let mut crossed = Vec::new();
    if let Some(account) = &keys.account
        && by_account >= threshold
        && !account_alerted
    {
        crossed.push(account.clone());
    }
    if let Some(ip) = ip_target
        && by_ip >= threshold
        && !ip_alerted
    {
        crossed.push(ip);
    }
    if crossed.is_empty() {
        return Ok(None);
    }
    let mut counts = Map::new();
    if keys.account.is_some() {
        counts.insert("account".into(), json!(by_account));
    }
    if keys.ip.is_some() {
        counts.insert("ip".into(), json!(by_ip));
    }
    let metadata = json!({
        "threshold": settings.threshold,
        "window_minutes": settings.window_minutes,
        "window_start": time::format(start),
        "window_end": time::format(at),
        "failed_attempts": counts,
    });
    Ok(Some(EventInput {
        tenant: tenant.to_string(),
        action: BRUTE_FORCE.into(),
        actor: own::system_actor(),
        targets: crossed,
        outcome: Outcome::Success,
        failure_reason: None,
        context: Context {
            ip: keys.ip.clone(),
            ..Context::default()
        },
        occurred_at: Some(time::format(at)),
        before: None,
        after: None,
        metadata: Some(canonical::to_string(&metadata)),
        idempotency_key: None,
    }))
}
