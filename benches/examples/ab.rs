//! Two builds of the component on the same appends, interleaved round by
//! round in one process, so that a before/after of a change is measured in
//! the same conditions even on a busy machine:
//!
//! `cargo run --release -p audit-bench --example ab -- BEFORE.wasm AFTER.wasm [EVENTS] [ROUNDS]`
//!
//! Each round appends the same events (the suite's data, batches of 500)
//! into a fresh in-memory store with each build; prints each build's best
//! and median rate and checks that both stored the same hashes.

use anyhow::{Context as _, Result, bail, ensure};
use audit_bench::timing::{median, time};
use audit_host::{MemoryStore, Options, Runtime};
use sha2::{Digest, Sha256};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [before, after, rest @ ..] = &args[..] else {
        bail!("usage: ab BEFORE.wasm AFTER.wasm [EVENTS] [ROUNDS]");
    };
    let events: usize = rest.first().map_or(Ok(3_000), |s| s.parse())?;
    let rounds: usize = rest.get(1).map_or(Ok(15), |s| s.parse())?;
    let load = |p: &str| -> Result<Runtime> {
        let bytes = std::fs::read(p).with_context(|| format!("reading {p}"))?;
        Ok(Runtime::with_component(&bytes, Options::default())?)
    };
    let builds = [("before", load(before)?), ("after", load(after)?)];
    let inputs: Vec<_> = audit_bench::data::Generator::new("acme", events)
        .inputs(events)
        .iter()
        .map(audit_bench::wit::event_input)
        .collect();
    let mut times = [Vec::new(), Vec::new()];
    let mut digests = [String::new(), String::new()];
    for round in 0..=rounds {
        for (i, (_, runtime)) in builds.iter().enumerate() {
            let mut session = runtime.session(
                Box::new(MemoryStore::new()),
                audit_bench::native_store::host_clock("2027-01-01T00:00:00Z")?,
            );
            session.instantiate()?;
            let (r, t) = time(|| -> Result<String> {
                let mut h = Sha256::new();
                for chunk in inputs.chunks(500) {
                    for e in session.append_batch(chunk)? {
                        h.update(e.hash.as_bytes());
                    }
                }
                Ok(format!("{:x}", h.finalize()))
            });
            digests[i] = r?;
            // Round 0 warms up.
            if round > 0 {
                times[i].push(t);
            }
        }
        ensure!(
            digests[0] == digests[1],
            "the two builds stored different hashes"
        );
    }
    for (i, (name, _)) in builds.iter().enumerate() {
        let best = times[i].iter().min().copied().unwrap_or_default();
        println!(
            "{name:<7} best {:>7.0} events/s, median {:>7.0} events/s ({rounds} rounds of {events})",
            events as f64 / best.as_secs_f64(),
            events as f64 / median(&times[i])
        );
    }
    println!("same hashes from both builds: {}", &digests[0][..16]);
    Ok(())
}
