//! Diff speed and patch size: the component's diff (through wasmtime), the
//! same engine built natively, and the `json-patch` crate's `diff` natively,
//! in one run, over (a) the conformance suites' document pairs and (b)
//! realistic 2 KB records with five changed fields.
//!
//! `cargo bench -p host-runner --bench diff` (`-- --rounds N` to repeat each
//! set N times, default 200 for (a) and 50 for (b)).
//!
//! Every column does the same work, text in and text out: parse both
//! documents, diff, write the patch as JSON (ours also redacts). The
//! `json-patch` diff alone, on documents parsed beforehand, is shown too.

use audit_host::bindings::DiffRequest;
use audit_host::{MemoryStore, Options, Runtime, SystemClock};
use serde_json::{Value, json};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let rounds: Option<usize> = std::env::args()
        .skip_while(|a| a != "--rounds")
        .nth(1)
        .and_then(|n| n.parse().ok());
    let runtime = Runtime::new(Options::default()).expect("runtime");
    let conformance = conformance_pairs();
    let records = records(200);
    println!(
        "(a) {} conformance pairs, (b) {} records of {} bytes on average with 5 changed fields\n",
        conformance.len(),
        records.len(),
        records.iter().map(|(b, _)| b.len()).sum::<usize>() / records.len()
    );
    for (label, pairs, default_rounds) in [
        ("(a) conformance pairs", &conformance, 200),
        ("(b) 2 KB records", &records, 50),
    ] {
        measure(label, &runtime, pairs, rounds.unwrap_or(default_rounds));
    }
}

fn measure(label: &str, runtime: &Runtime, pairs: &[(String, String)], rounds: usize) {
    let n = pairs.len() * rounds;
    let mut session = runtime.session(Box::new(MemoryStore::new()), Box::new(SystemClock));
    let request = |(b, a): &(String, String)| DiffRequest {
        before: b.clone(),
        after: a.clone(),
        settings: None,
        action: None,
        tenant: None,
    };
    let requests: Vec<DiffRequest> = pairs.iter().map(request).collect();
    // Warm up, and collect our patches.
    let ours: Vec<String> = requests
        .iter()
        .map(|r| session.diff(r).expect("diff").patch)
        .collect();

    let start = Instant::now();
    for _ in 0..rounds {
        for r in &requests {
            black_box(session.diff(r).expect("diff"));
        }
    }
    let component = start.elapsed().as_secs_f64();

    let start = Instant::now();
    for _ in 0..rounds {
        for (b, a) in pairs {
            // What the component's export runs, natively.
            black_box(
                audit_component::capture::request(b, a, None, None, None, &mut |_, _| Ok(None))
                    .expect("diff"),
            );
        }
    }
    let native = start.elapsed().as_secs_f64();

    let start = Instant::now();
    for _ in 0..rounds {
        for (b, a) in pairs {
            let b: Value = serde_json::from_str(b).expect("json");
            let a: Value = serde_json::from_str(a).expect("json");
            black_box(serde_json::to_string(&json_patch::diff(&b, &a)).expect("json"));
        }
    }
    let peer = start.elapsed().as_secs_f64();

    let parsed: Vec<(Value, Value)> = pairs
        .iter()
        .map(|(b, a)| {
            (
                serde_json::from_str(b).expect("json"),
                serde_json::from_str(a).expect("json"),
            )
        })
        .collect();
    let start = Instant::now();
    for _ in 0..rounds {
        for (b, a) in &parsed {
            black_box(json_patch::diff(b, a));
        }
    }
    let peer_diff_only = start.elapsed().as_secs_f64();

    // Patch sizes.
    let (mut our_bytes, mut their_bytes, mut our_ops, mut their_ops, mut longer) = (0, 0, 0, 0, 0);
    for (ours, (b, a)) in ours.iter().zip(&parsed) {
        let theirs = serde_json::to_string(&json_patch::diff(b, a)).expect("json");
        our_bytes += ours.len();
        their_bytes += theirs.len();
        our_ops += serde_json::from_str::<Vec<Value>>(ours)
            .expect("patch")
            .len();
        their_ops += json_patch::diff(b, a).0.len();
        if ours.len() > theirs.len() {
            longer += 1;
        }
    }

    let empty = request(&("{}".to_string(), "{}".to_string()));
    let calls = n.min(20_000);
    let start = Instant::now();
    for _ in 0..calls {
        black_box(session.diff(&empty).expect("diff"));
    }
    let call = start.elapsed().as_secs_f64() / calls as f64 * 1e6;

    let per = |t: f64| t / n as f64 * 1e6;
    println!("{label}: {n} diffs");
    println!(
        "  component (wasm) text->patch       {:>8.2} us/diff",
        per(component)
    );
    println!(
        "  native engine    text->patch       {:>8.2} us/diff",
        per(native)
    );
    println!(
        "  json-patch       text->patch       {:>8.2} us/diff",
        per(peer)
    );
    println!(
        "  json-patch       diff only         {:>8.2} us/diff",
        per(peer_diff_only)
    );
    println!("  one component call on {{}} and {{}}    {call:>8.2} us");
    println!(
        "  component/native {:.2}x slower; component vs json-patch: {:.2}x {}",
        component / native,
        (peer / component).max(component / peer),
        if component <= peer {
            "faster"
        } else {
            "slower"
        }
    );
    println!(
        "  patch size: ours {our_bytes} bytes in {our_ops} ops, json-patch {their_bytes} bytes in {their_ops} ops; pairs where ours is longer: {longer}\n"
    );
}

fn conformance_pairs() -> Vec<(String, String)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance");
    let read = |p: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(root.join(p)).expect("conformance file"))
            .expect("json")
    };
    let mut out = Vec::new();
    for file in [
        "json-patch-tests/tests.json",
        "json-patch-tests/spec_tests.json",
    ] {
        for r in read(file).as_array().expect("array") {
            if r.get("disabled") != Some(&json!(true))
                && let (Some(d), Some(e)) = (r.get("doc"), r.get("expected"))
            {
                out.push((d.to_string(), e.to_string()));
            }
        }
    }
    for file in [
        "zjsonpatch-testdata/src/test/resources/testdata/sample.json",
        "zjsonpatch-testdata/src/test/resources/testdata/diff.json",
        "java-json-tools-json-patch/src/test/resources/jsonpatch/diff/diff.json",
    ] {
        for r in read(file).as_array().expect("array") {
            out.push((r["first"].to_string(), r["second"].to_string()));
        }
    }
    out
}

/// A contact-center agent profile of about 2 KB, as a seed product keeps it,
/// before and after an edit of five fields (a name, a nested setting, a
/// skill added to a list, a team member's role, a flag).
fn records(count: usize) -> Vec<(String, String)> {
    (0..count)
        .map(|i| {
            let before = profile(i, false);
            let after = profile(i, true);
            (before.to_string(), after.to_string())
        })
        .collect()
}

fn profile(i: usize, edited: bool) -> Value {
    let e = |before: Value, after: Value| if edited { after } else { before };
    json!({
        "id": format!("u_{i}"),
        "first_name": "John",
        "last_name": e(json!("Smith"), json!("Smyth")),
        "email": format!("john.smith{i}@acme.test"),
        "phone": format!("+34 600 000 {:03}", i % 1000),
        "role": "agent",
        "active": e(json!(true), json!(false)),
        "timezone": "Europe/Madrid",
        "locale": "es-ES",
        "created_at": "2025-03-01T09:30:00Z",
        "manager": {"id": "u_42", "name": "Ana Admin", "email": "ana@acme.test"},
        "settings": {
            "dialer": {"mode": "predictive", "max_lines": e(json!(3), json!(4)), "wrap_up_seconds": 30, "auto_answer": false},
            "notifications": {"email": true, "sms": false, "push": true, "digest": "daily"},
            "ui": {"theme": "light", "density": "comfortable", "shortcuts": true}
        },
        "skills": e(json!(["inbound", "outbound", "chat", "email"]), json!(["inbound", "outbound", "chat", "email", "sms"])),
        "queues": [
            {"id": "q_sales", "name": "Sales", "priority": 1},
            {"id": "q_support", "name": "Support", "priority": 2},
            {"id": "q_billing", "name": "Billing", "priority": 3}
        ],
        "team": {
            "id": "t_3",
            "name": "Blue Team",
            "members": [
                {"id": "u_7", "name": "John Smith", "role": "agent"},
                {"id": "u_8", "name": "Mary Jones", "role": e(json!("agent"), json!("lead"))},
                {"id": "u_9", "name": "Li Wei", "role": "agent"},
                {"id": "u_10", "name": "Omar Haddad", "role": "agent"}
            ]
        },
        "stats": {"calls_today": i % 50, "avg_handle_seconds": 312.5, "csat": 4.6, "logins": 120 + i},
        "notes": "Long free-text note about the agent's onboarding, coaching plan and the campaigns they work on. Prefers morning shifts; certified for the billing queue since March.",
        "tags": ["onboarding-2025", "spanish", "english", "night-shift-ok"],
        "address": {"street": "Calle Mayor 12, 3B", "city": "Madrid", "postal_code": "28013", "country": "ES"},
        "schedule": [
            {"day": "mon", "from": "08:00", "to": "16:00"},
            {"day": "tue", "from": "08:00", "to": "16:00"},
            {"day": "wed", "from": "08:00", "to": "16:00"},
            {"day": "thu", "from": "08:00", "to": "16:00"},
            {"day": "fri", "from": "08:00", "to": "14:00"}
        ],
        "certifications": [
            {"id": "c_gdpr", "name": "GDPR basics", "passed_at": "2025-03-10", "score": 92},
            {"id": "c_pci", "name": "PCI awareness", "passed_at": "2025-03-12", "score": 88}
        ],
        "custom_fields": {"employee_number": format!("E-{:05}", i), "cost_center": "CC-114", "badge": "blue", "parking": false}
    })
}
