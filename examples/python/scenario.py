"""The quality-management scenario on the Python host.

Runs ``examples/scenario/scenario.json`` (the same inputs, clock and key as
the Rust and Node hosts): records the events one call each, reads them back
with a filter, diffs two documents, exports a CSV, verifies the chain,
tampers with one stored event and verifies again. Prints what happened; with
``--out DIR`` also writes what ``tests/polyglot.rs`` compares across hosts:
``transcript.txt``, ``rows.tsv`` (the stored rows, before the tampering)
and ``export.csv``.

    python scenario.py [--store FILE] [--out DIR] [--component FILE]
"""

import argparse
import json
import sys
from pathlib import Path

from audit_host import AuditError, AuditLog, MasterKey, SqliteStore, SteppingClock, Trap

SCENARIO = Path(__file__).resolve().parent.parent / "scenario" / "scenario.json"

FILTER_FIELDS = [
    "since", "until", "actor_id", "action", "actor_name", "category", "change_type",
    "target_kind", "target_id", "outcome", "ip", "text",
]


def canonical(value) -> str:
    """JSON with sorted keys and no whitespace: the transcript's form, the
    same in every host."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def render_change(c: dict) -> str:
    return canonical({k: c[k] for k in (
        "path", "op", "old", "new", "from_path", "redacted",
        "old_fingerprint", "new_fingerprint", "collapsed")})


def render_report(r: dict) -> str:
    findings = [
        {"kind": f["kind"], "seq": f["seq"], "related_seq": f["related_seq"], "detail": f["detail"]}
        for f in r["findings"]
    ]
    fields = ("tenant", "events", "first_seq", "last_seq", "last_hash", "purged_through",
              "checkpoints_verified", "checkpoints_skipped", "findings_omitted")
    return canonical({**{k: r[k] for k in fields}, "findings": findings})


def run(audit: AuditLog, store_path: str) -> dict:
    """Runs the scenario into the SQLite file at ``store_path``; returns
    every result, the transcript and the files' contents."""
    spec = json.loads(SCENARIO.read_text())
    tenant = spec["tenant"]
    store = SqliteStore(store_path)
    session = audit.session(store, SteppingClock(spec["clock"]), MasterKey.from_hex(spec["master_key"]))
    viewer = spec["viewer"]
    transcript = []

    def a_filter(fields: dict) -> dict:
        return {"tenant": tenant, **{k: fields.get(k) for k in FILTER_FIELDS}}

    # 1. Record the events, one call per action, as a product would.
    text = (SCENARIO.parent / spec["events"]).read_text()
    events = [session.append(i) for i in session.parse_inputs(text, tenant)]
    transcript += [f"append {session.to_json(e)}" for e in events]

    # 2. Read them back with a filter.
    q = spec["query"]
    page = session.query({
        "filter": a_filter(q["filter"]), "order": q["order"], "limit": q["limit"],
        "cursor": None, "viewer": viewer, "count": True,
    })
    seqs = ",".join(str(e["seq"]) for e in page["events"])
    transcript.append(f"query seqs={seqs} total={page['total']}")

    # 3. A diff on its own, with the tenant's key for fingerprints.
    d = spec["diff"]
    diff = session.diff({
        "before": json.dumps(d["before"]), "after": json.dumps(d["after"]),
        "settings": None, "action": d["action"], "tenant": tenant,
    })
    transcript.append(f"diff-patch {diff['patch']}")
    transcript += [f"diff-change {render_change(c)}" for c in diff["changes"]]

    # 4. A CSV export of the same filter, streamed.
    x = spec["export"]
    with session.export({
        "filter": a_filter(x["filter"]), "order": x["order"], "viewer": viewer,
        "format": "csv", "columns": x["columns"], "rows": x["rows"],
        "byte_order_mark": False, "utc_offset": None,
    }) as exporter:
        csv = b"".join(exporter)
        progress = exporter.progress()
    transcript.append(f"export rows={progress['rows']} bytes={len(csv)} done={str(progress['done']).lower()}")

    # 5. Verify the chain.
    intact = session.verify(tenant)
    transcript.append(f"verify {render_report(intact)}")
    rows = store.conn.execute(
        "SELECT seq, id, occurred_at_us, prev_hash, hash, body FROM audit_events"
        " WHERE tenant = ? ORDER BY seq", (tenant,)).fetchall()
    rows_tsv = "".join("\t".join(str(v) for v in r) + "\n" for r in rows)

    # 6. Someone with database access edits an event; verify finds it.
    t = spec["tamper"]
    with store.conn:
        store.conn.execute(
            "UPDATE audit_events SET body = replace(body, ?, ?) WHERE tenant = ? AND seq = ?",
            (t["find"], t["replace"], tenant, t["seq"]))
    transcript.append(f"tamper seq={t['seq']}")
    tampered = session.verify(tenant)
    transcript.append(f"verify {render_report(tampered)}")
    store.close()

    return {
        "events": events, "page": page, "diff": diff, "csv": csv, "intact": intact,
        "tampered": tampered, "rows_tsv": rows_tsv,
        "transcript": "".join(line + "\n" for line in transcript),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", default=":memory:", help="the SQLite file (default: in memory)")
    parser.add_argument("--out", type=Path, help="write transcript.txt, rows.tsv and export.csv here")
    parser.add_argument("--component", help="the component (.wasm); default: AUDIT_COMPONENT or the workspace's build")
    args = parser.parse_args()
    try:
        result = run(AuditLog(args.component), args.store)
    except (AuditError, Trap, FileNotFoundError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    for e in result["events"]:
        print(f"  #{e['seq']:<3} {e['action']:<22} by {e['actor']['name'] or e['actor']['id']}")
    print(f"query: seqs {', '.join(str(e['seq']) for e in result['page']['events'])}")
    print(result["csv"].decode(), end="")
    for name in ("intact", "tampered"):
        r = result[name]
        verdict = "intact" if not r["findings"] else "NOT INTACT: " + "; ".join(
            f"{f['kind']} seq {f['seq']}" for f in r["findings"])
        print(f"verify ({name}): {r['events']} events, {verdict}")
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "transcript.txt").write_text(result["transcript"])
        (args.out / "rows.tsv").write_text(result["rows_tsv"])
        (args.out / "export.csv").write_bytes(result["csv"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
