//! Diff: two JSON states in, the RFC 6902 patch out. The component's diff
//! through wasmtime (the `diff` export), the same engine natively, and the
//! `json-patch` crate's `diff` (parse both texts, diff, write the patch),
//! over a 2 KB profile with two to five edits and teams with keyed member
//! lists of growing length (five edits: a name, a setting, a member added,
//! one removed, one member's role).
//!
//! Check: the component's and the native patches are the same text, and
//! both ours and `json-patch`'s turn `before` into `after` when applied by
//! the `json-patch` crate.

use crate::config::Config;
use crate::data::{Rng, SEED, profile, team_pair};
use crate::native_store::host_clock;
use crate::report::{Row, Section, Unit};
use crate::timing::median;
use anyhow::{Result, bail, ensure};
use audit_host::bindings::DiffRequest;
use audit_host::{MemoryStore, Runtime};
use serde_json::Value;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Measures the diff at a profile and three list lengths.
pub fn run(config: &Config, runtime: &Runtime) -> Result<Section> {
    let lengths = config.sizes([5, 10, 20], [20, 200, 2_000], [20, 200, 2_000]);
    let samples = config.runs(5, 15);
    let mut rng = Rng::new(SEED);
    let mut sets: Vec<(String, Vec<(String, String)>)> = Vec::new();
    let profiles = (0..40)
        .map(|i| {
            let before = profile(i);
            let mut after = before.clone();
            after["last_name"] = "Smyth".into();
            after["settings"]["dialer"]["max_lines"] = 4.into();
            after["active"] = false.into();
            if let Some(s) = after["skills"].as_array_mut() {
                s.push("sms".into());
            }
            after["queues"][1]["priority"] = 5.into();
            (before.to_string(), after.to_string())
        })
        .collect();
    sets.push(("profile, 5 edits".into(), profiles));
    for len in lengths {
        // About the same work per sample at every length.
        let pairs = (4_000 / len).clamp(2, 40);
        let set = (0..pairs)
            .map(|i| {
                let (b, a) = team_pair(i as u64, len, &mut rng);
                (b.to_string(), a.to_string())
            })
            .collect();
        sets.push((format!("team of {len} members, 5 edits"), set));
    }
    let mut session = runtime.session(
        Box::new(MemoryStore::new()),
        host_clock("2027-01-01T00:00:00Z")?,
    );
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    for (label, pairs) in &sets {
        let avg = pairs.iter().map(|(b, _)| b.len()).sum::<usize>() / pairs.len();
        let size = format!("{label} ({:.1} KB)", avg as f64 / 1e3);
        let requests = requests(pairs);
        // The checks, which also warm every column up.
        let (mut ours_bytes, mut theirs_bytes) = (0usize, 0usize);
        for (r, (b, a)) in requests.iter().zip(pairs) {
            let component = session.diff_patch(r)?;
            let native = native(b, a)?;
            ensure!(
                component == native && session.diff(r)?.patch == native,
                "diff: the component's and the native patches differ ({label})"
            );
            let theirs = peer(b, a)?;
            applies(b, a, &component, "ours")?;
            applies(b, a, &theirs, "json-patch's")?;
            ours_bytes += component.len();
            theirs_bytes += theirs.len();
        }
        let mut times = [Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new()];
        for _ in 0..samples {
            times[0].push(per_pair(pairs.len(), || {
                for r in &requests {
                    black_box(session.diff_patch(r)?);
                }
                Ok(())
            })?);
            times[3].push(per_pair(pairs.len(), || {
                for r in &requests {
                    black_box(session.diff(r)?);
                }
                Ok(())
            })?);
            times[4].push(per_pair(pairs.len(), || {
                for (b, a) in pairs {
                    black_box(native_with_changes(b, a)?);
                }
                Ok(())
            })?);
            times[1].push(per_pair(pairs.len(), || {
                for (b, a) in pairs {
                    black_box(native(b, a)?);
                }
                Ok(())
            })?);
            times[2].push(per_pair(pairs.len(), || {
                for (b, a) in pairs {
                    black_box(peer(b, a)?);
                }
                Ok(())
            })?);
        }
        rows.push(Row::new(
            "diff, text in, patch out",
            size.clone(),
            Unit::Time,
            Some(median(&times[0])),
            Some(median(&times[1])),
            Some(median(&times[2])),
        ));
        rows.push(Row::new(
            "diff with the change list (typed `diff`)",
            size.clone(),
            Unit::Time,
            Some(median(&times[3])),
            Some(median(&times[4])),
            Some(median(&times[2])),
        ));
        let n = pairs.len() as f64;
        rows.push(Row::new(
            "patch size",
            size,
            Unit::Bytes,
            Some(ours_bytes as f64 / n),
            Some(ours_bytes as f64 / n),
            Some(theirs_bytes as f64 / n),
        ));
    }
    notes.push("Our diff also redacts (looks up every member name, scans every string for credentials and card numbers); the typed `diff` also builds the change list the event stores; `json-patch` only diffs. Every patch of both was applied by the `json-patch` crate and gave `after`; ours and the native one were the same text.".into());
    Ok(Section {
        path: "diff",
        columns: [
            "`diff.patch` through wasmtime (and the typed `diff`, with the change list, on its own rows)",
            "`capture::request_patch`, the same engine natively (`capture::request` on the change-list rows)",
            "the `json-patch` crate: parse both, `json_patch::diff`, write the patch",
        ],
        rows,
        notes,
    })
}

/// The `diff` requests of pairs of documents (no settings, action or
/// tenant: the default rules).
pub fn requests(pairs: &[(String, String)]) -> Vec<DiffRequest> {
    pairs
        .iter()
        .map(|(b, a)| DiffRequest {
            before: b.clone(),
            after: a.clone(),
            settings: None,
            action: None,
            tenant: None,
        })
        .collect()
}

fn per_pair(pairs: usize, f: impl FnOnce() -> Result<()>) -> Result<Duration> {
    let start = Instant::now();
    f()?;
    Ok(start.elapsed() / pairs as u32)
}

/// The engine natively: what the `diff.patch` export runs.
pub fn native(before: &str, after: &str) -> Result<String> {
    Ok(audit_component::ingest::capture::request_patch(
        before,
        after,
        None,
        None,
        None,
        &mut |_, _| Ok(None),
    )?)
}

/// The engine natively with the change list: what the typed `diff` runs.
pub fn native_with_changes(before: &str, after: &str) -> Result<String> {
    Ok(
        audit_component::ingest::capture::request(before, after, None, None, None, &mut |_, _| {
            Ok(None)
        })?
        .patch,
    )
}

/// The peer: parse, diff, write.
pub fn peer(before: &str, after: &str) -> Result<String> {
    let b: Value = serde_json::from_str(before)?;
    let a: Value = serde_json::from_str(after)?;
    Ok(serde_json::to_string(&json_patch::diff(&b, &a))?)
}

/// `patch` applied to `before` by the `json-patch` crate gives `after`.
pub fn applies(before: &str, after: &str, patch: &str, whose: &str) -> Result<()> {
    let mut doc: Value = serde_json::from_str(before)?;
    let patch: json_patch::Patch = serde_json::from_str(patch)?;
    if let Err(e) = json_patch::patch(&mut doc, &patch) {
        bail!("diff: {whose} patch does not apply: {e}");
    }
    ensure!(
        doc == serde_json::from_str::<Value>(after)?,
        "diff: {whose} patch does not give `after`"
    );
    Ok(())
}
