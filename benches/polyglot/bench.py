"""The Python column of the suite's polyglot path (benches/src/polyglot.rs
runs it): the component through wasmtime-py against what a Python backend
would use instead, in the same process on the same data.

    python bench.py PAIRS.json EVENTS.jsonl ROUNDS

- diff: ``diff.patch`` (text in, patch text out) and the typed ``diff``
  (patch and change list, records lifted) against ``jsonpatch.make_patch``
  with ``json.loads`` of both and ``json.dumps`` of the patch, and against
  ``make_patch`` on objects already parsed; every patch of ours applied by
  ``jsonpatch`` must give ``after``.
- record: batches of 100 events into a new SQLite file, by
  ``log.append-json`` and by the typed ``parse-inputs`` + ``append-batch``;
  both files must end with the same head hash (the same events).

Prints one JSON object: microseconds per pair, events per second.
"""

import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples/python"))

import jsonpatch  # noqa: E402

from audit_host import AuditLog, SqliteStore, SteppingClock  # noqa: E402

CLOCK = "2027-01-01T00:00:00Z"
BATCH = 100


def best_per_item(rounds, items, run):
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best / items


def main():
    pairs_path, events_path, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    pairs = json.loads(Path(pairs_path).read_text())
    lines = Path(events_path).read_text().splitlines()
    audit = AuditLog()
    out = {"host": "python", "wasmtime": _version("wasmtime"), "jsonpatch": jsonpatch.__version__}

    with tempfile.TemporaryDirectory() as tmp:
        session = audit.session(SqliteStore(os.path.join(tmp, "diff.db")), SteppingClock(CLOCK))
        requests = [
            {"before": b, "after": a, "settings": None, "action": None, "tenant": None}
            for b, a in pairs
        ]
        for request, (b, a) in zip(requests, pairs):
            patch = session.diff_patch(request)
            if patch != session.diff(request)["patch"]:
                raise SystemExit("diff.patch and diff gave different patches")
            if jsonpatch.apply_patch(json.loads(b), json.loads(patch)) != json.loads(a):
                raise SystemExit("our patch applied by jsonpatch does not give after")
        parsed = [(json.loads(b), json.loads(a)) for b, a in pairs]
        n = len(pairs)
        out["diff"] = {
            "pairs": n,
            "component_patch_us": 1e6 * best_per_item(
                rounds, n, lambda: [session.diff_patch(r) for r in requests]
            ),
            "component_typed_us": 1e6 * best_per_item(
                rounds, n, lambda: [session.diff(r)["patch"] for r in requests]
            ),
            "peer_text_us": 1e6 * best_per_item(
                rounds,
                n,
                lambda: [
                    json.dumps(jsonpatch.make_patch(json.loads(b), json.loads(a)).patch)
                    for b, a in pairs
                ],
            ),
            "peer_parsed_us": 1e6 * best_per_item(
                rounds, n, lambda: [jsonpatch.make_patch(b, a) for b, a in parsed]
            ),
        }

        batches = ["\n".join(lines[i : i + BATCH]) for i in range(0, len(lines), BATCH)]
        heads = {}

        def record(kind, path):
            s = audit.session(SqliteStore(path), SteppingClock(CLOCK))
            start = time.perf_counter()
            for text in batches:
                if kind == "json":
                    s.append_json(text, "acme")
                else:
                    s.append_batch(s.parse_inputs(text, "acme"))
            elapsed = time.perf_counter() - start
            heads[kind] = s.store.head("acme")["hash"]
            return len(lines) / elapsed

        out["record"] = {
            "events": len(lines),
            "batch": BATCH,
            "append_json_events_per_s": record("json", os.path.join(tmp, "json.db")),
            "typed_events_per_s": record("typed", os.path.join(tmp, "typed.db")),
        }
        if heads["json"] != heads["typed"]:
            raise SystemExit("append-json and the typed calls stored different chains")
    print(json.dumps(out))


def _version(package):
    from importlib.metadata import version

    return version(package)


if __name__ == "__main__":
    main()
