//! A misbehaving implementation of the world `audit:log/audit`, built for
//! `wasm32-wasip2` by `host-runner`'s build script exactly as the real
//! component is, so that the host's end-to-end tests can make every kind of
//! trap happen on request.
//!
//! `append` (and `append-batch` by its first event, `append-bulk` by its
//! parent) looks at the action:
//!
//! | action | does |
//! | --- | --- |
//! | `fixture.panic` | panics (a trap: unreachable) |
//! | `fixture.loop` | loops forever (stopped by the host's deadline) |
//! | `fixture.oom` | allocates until memory runs out |
//! | `fixture.recurse` | recurses without bound (stack overflow) |
//! | `fixture.store_then_panic` | stores one row through the host, then panics |
//!
//! `parse-inputs` of a JSON string naming one of these actions
//! (`"fixture.store_then_panic"`) returns one event input of that action
//! in tenant `acme`, so that the `audit-host` binary can be driven into
//! each trap too.
//!
//! Anything else, and every other function, returns the error
//! `other("fixture: call N of this instance")`: a call that succeeds at the
//! boundary, whose N tells a test whether the instance is a fresh one.

#![cfg(target_arch = "wasm32")]
#![allow(missing_docs, unsafe_code)]

mod generated {
    wit_bindgen::generate!({
        path: "../../wit",
        world: "audit",
    });
}

use generated::audit::log::store as wstore;
use generated::audit::log::types as wit;
use generated::exports::audit::log::{
    admin, auth, catalog, codec, data_export, diff, integrity, log,
};
use std::hint::black_box;
use std::sync::atomic::{AtomicU32, Ordering};

/// Calls into this instance so far (a fresh instance starts at 0).
static CALLS: AtomicU32 = AtomicU32::new(0);

struct Fixture;

fn refuse<T>() -> Result<T, wit::Error> {
    let n = CALLS.fetch_add(1, Ordering::Relaxed) + 1;
    Err(wit::Error::Other(format!(
        "fixture: call {n} of this instance"
    )))
}

fn misbehave<T>(event: &wit::EventInput) -> Result<T, wit::Error> {
    match event.action.as_str() {
        "fixture.panic" => panic!("fixture: panicking on request"),
        "fixture.loop" => {
            let mut spins = 0u64;
            loop {
                spins = black_box(spins.wrapping_add(1));
            }
        }
        "fixture.oom" => {
            let mut hoard: Vec<Vec<u8>> = Vec::new();
            loop {
                hoard.push(vec![1u8; 1 << 20]);
                black_box(&hoard);
            }
        }
        "fixture.recurse" => {
            // The depth comes from the input, so the compiler cannot fold it.
            let depth = u64::MAX - event.targets.len() as u64;
            let _ = black_box(recurse(depth));
            refuse()
        }
        "fixture.store_then_panic" => {
            let head = wstore::head(&event.tenant).ok().flatten();
            let (seq, prev_hash) = head.map_or((1, "0".repeat(64)), |h| (h.seq + 1, h.hash));
            let row = wstore::Row {
                tenant: event.tenant.clone(),
                seq,
                id: format!("fixture-{seq}"),
                occurred_at_us: 0,
                prev_hash,
                hash: "f".repeat(64),
                body: "{}".into(),
                defects: Vec::new(),
            };
            if let Err(e) = wstore::append(&[row]) {
                return Err(wit::Error::Store(format!("{e:?}")));
            }
            panic!("fixture: panicking after the store committed");
        }
        _ => refuse(),
    }
}

/// Not a tail call (the result is used), so every level keeps a frame.
#[inline(never)]
fn recurse(n: u64) -> u64 {
    if n == 0 {
        return 0;
    }
    recurse(n - 1).wrapping_mul(3).wrapping_add(n)
}

impl log::Guest for Fixture {
    fn append(event: wit::EventInput) -> Result<wit::Event, wit::Error> {
        misbehave(&event)
    }

    fn append_batch(events: Vec<wit::EventInput>) -> Result<Vec<wit::Event>, wit::Error> {
        match events.first() {
            Some(first) => misbehave(first),
            None => refuse(),
        }
    }

    fn append_bulk(
        parent: wit::EventInput,
        _: Vec<wit::EventInput>,
    ) -> Result<Vec<wit::Event>, wit::Error> {
        misbehave(&parent)
    }

    fn append_json(_: String, _: Option<String>) -> Result<String, wit::Error> {
        refuse()
    }

    fn query(_: wit::PageRequest) -> Result<wit::Page, wit::Error> {
        refuse()
    }

    fn get_event(_: String, _: String, _: wit::Viewer) -> Result<wit::Event, wit::Error> {
        refuse()
    }
}

impl codec::Guest for Fixture {
    fn parse_inputs(
        text: String,
        tenant: Option<String>,
    ) -> Result<Vec<wit::EventInput>, wit::Error> {
        let action = text.trim().trim_matches('"');
        if text.trim().starts_with("\"fixture.") {
            return Ok(vec![wit::EventInput {
                tenant: tenant.unwrap_or_else(|| "acme".into()),
                action: action.into(),
                actor: wit::Actor {
                    id: "fixture".into(),
                    name: None,
                    email: None,
                    kind: wit::ActorKind::System,
                },
                targets: Vec::new(),
                outcome: wit::Outcome::Success,
                context: wit::RequestContext {
                    ip: None,
                    user_agent: None,
                    session_id: None,
                    request_id: None,
                },
                occurred_at: None,
                before: None,
                after: None,
                metadata: None,
                idempotency_key: None,
            }]);
        }
        refuse()
    }

    fn to_json(_: wit::Event) -> Result<String, wit::Error> {
        refuse()
    }
}

impl admin::Guest for Fixture {
    fn get_settings(_: String) -> Result<String, wit::Error> {
        refuse()
    }

    fn put_settings(_: String, _: String, _: wit::Actor) -> Result<wit::Event, wit::Error> {
        refuse()
    }

    fn patch_settings(_: String, _: String, _: wit::Actor) -> Result<wit::Event, wit::Error> {
        refuse()
    }
}

impl data_export::Guest for Fixture {
    type Exporter = NoExporter;

    fn start(_: data_export::ExportRequest) -> Result<data_export::Exporter, wit::Error> {
        refuse()
    }

    fn start_part(
        _: data_export::ExportRequest,
        _: data_export::ExportPart,
    ) -> Result<data_export::Exporter, wit::Error> {
        refuse()
    }
}

/// Never made: `start` always refuses.
struct NoExporter;

impl data_export::GuestExporter for NoExporter {
    fn next_chunk(&self) -> Result<Option<Vec<u8>>, wit::Error> {
        refuse()
    }

    fn split(&self, _: u32) -> Result<Vec<data_export::ExportPart>, wit::Error> {
        refuse()
    }

    fn progress(&self) -> data_export::ExportProgress {
        data_export::ExportProgress {
            events: 0,
            rows: 0,
            bytes: 0,
            covered: 0,
            span: 0,
            done: false,
        }
    }
}

impl integrity::Guest for Fixture {
    fn verify(
        _: String,
        _: Vec<String>,
        _: Vec<String>,
    ) -> Result<integrity::VerifyReport, wit::Error> {
        refuse()
    }

    fn prepare_checkpoint(
        _: String,
    ) -> Result<(integrity::VerifyReport, Option<integrity::CheckpointDraft>), wit::Error> {
        refuse()
    }

    fn seal_checkpoint(
        _: integrity::Checkpoint,
        _: String,
        _: Vec<u8>,
    ) -> Result<String, wit::Error> {
        refuse()
    }

    fn export_proof(_: String, _: u64) -> Result<String, wit::Error> {
        refuse()
    }

    fn verify_range(
        _: String,
        _: u64,
        _: Option<u64>,
    ) -> Result<integrity::RangeReport, wit::Error> {
        refuse()
    }

    fn verify_export(
        _: integrity::ExportFormat,
        _: Vec<u8>,
        _: Vec<String>,
    ) -> Result<integrity::VerifyReport, wit::Error> {
        refuse()
    }

    fn purge(_: String, _: wit::Actor) -> Result<integrity::PurgeOutcome, wit::Error> {
        refuse()
    }
}

impl diff::Guest for Fixture {
    fn diff(_: diff::DiffRequest) -> Result<diff::DiffResult, wit::Error> {
        refuse()
    }

    fn patch(_: diff::DiffRequest) -> Result<String, wit::Error> {
        refuse()
    }
}

impl catalog::Guest for Fixture {
    fn profiles() -> Vec<catalog::Profile> {
        Vec::new()
    }

    fn profile_actions(_: String) -> Result<Vec<catalog::ActionDefinition>, wit::Error> {
        refuse()
    }

    fn tenant_actions(_: String) -> Result<Vec<catalog::ActionDefinition>, wit::Error> {
        refuse()
    }

    fn register_actions(_: String, _: String, _: wit::Actor) -> Result<wit::Event, wit::Error> {
        refuse()
    }
}

impl auth::Guest for Fixture {
    fn record_login(_: auth::LoginAttempt) -> Result<auth::LoginRecorded, wit::Error> {
        refuse()
    }

    fn record_logout(_: auth::Logout) -> Result<wit::Event, wit::Error> {
        refuse()
    }

    fn record_password_recovery(_: auth::RecoveryRequest) -> Result<wit::Event, wit::Error> {
        refuse()
    }

    fn read(_: wit::PageRequest) -> Result<auth::AuthPage, wit::Error> {
        refuse()
    }
}

generated::export!(Fixture with_types_in generated);
