"""The SQLite store has the reference host's semantics: conflicts on a moved
head, all or nothing, purge with its anchor, busy after the timeout."""

import sqlite3
import tempfile
import unittest
from pathlib import Path

from audit_host import Busy, Conflict, SqliteStore

GENESIS = "0" * 64


def row(tenant: str, seq: int, prev: str, at_us: int = 0) -> dict:
    return {
        "tenant": tenant, "seq": seq, "id": f"{tenant}-{seq}", "occurred_at_us": at_us,
        "prev_hash": prev, "hash": f"h{tenant}{seq}", "body": f'{{"seq":{seq}}}',
    }


def chain(tenant: str, first: int, count: int, prev: str) -> list:
    rows = []
    for seq in range(first, first + count):
        rows.append(row(tenant, seq, prev, at_us=seq * 1000))
        prev = rows[-1]["hash"]
    return rows


class Store(unittest.TestCase):
    def setUp(self) -> None:
        self.dir = tempfile.TemporaryDirectory()
        self.path = str(Path(self.dir.name) / "audit.db")
        self.store = SqliteStore(self.path)

    def tearDown(self) -> None:
        self.store.close()
        self.dir.cleanup()

    def count(self) -> int:
        return self.store.conn.execute("SELECT count(*) FROM audit_events").fetchone()[0]

    def test_appends_continue_the_head(self) -> None:
        self.assertIsNone(self.store.head("a"))
        self.store.append(chain("a", 1, 3, GENESIS))
        self.assertEqual(self.store.head("a"), {"seq": 3, "hash": "ha3"})
        self.store.append(chain("a", 4, 1, "ha3"))
        self.assertEqual(self.store.head("a")["seq"], 4)

    def test_a_row_that_does_not_continue_the_head_is_a_conflict(self) -> None:
        self.store.append(chain("a", 1, 2, GENESIS))
        for bad in (row("a", 4, "ha2"), row("a", 3, "wrong"), row("a", 2, "ha1")):
            with self.assertRaises(Conflict):
                self.store.append([bad])
        self.assertEqual(self.count(), 2)
        self.assertEqual(self.store.head("a")["seq"], 2)

    def test_a_batch_is_stored_whole_or_not_at_all(self) -> None:
        good = chain("a", 1, 2, GENESIS) + chain("b", 1, 1, GENESIS)
        with self.assertRaises(Conflict):
            self.store.append(good + [row("a", 9, "ha2")])
        self.assertEqual(self.count(), 0)
        self.assertIsNone(self.store.head("a"))
        self.store.append(good)
        self.assertEqual(self.count(), 3)

    def test_a_duplicate_id_is_a_conflict(self) -> None:
        self.store.append(chain("a", 1, 1, GENESIS))
        twin = row("a", 2, "ha1")
        twin["id"] = "a-1"
        with self.assertRaises(Conflict):
            self.store.append([twin])
        self.assertEqual(self.count(), 1)

    def test_scans_and_counts_honour_every_bound_and_the_order(self) -> None:
        self.store.append(chain("a", 1, 10, GENESIS))
        scan = lambda **q: [r["seq"] for r in self.store.scan({  # noqa: E731
            "tenant": "a", "after_seq": None, "before_seq": None, "since_us": None,
            "until_us": None, "descending": False, "limit": 100, **q})]
        self.assertEqual(scan(), list(range(1, 11)))
        self.assertEqual(scan(after_seq=3, before_seq=7), [4, 5, 6])
        self.assertEqual(scan(since_us=5000, until_us=8000), [5, 6, 7])
        self.assertEqual(scan(descending=True, limit=2), [10, 9])
        self.assertEqual(scan(limit=0), [1])
        count = lambda **q: self.store.count({  # noqa: E731
            "tenant": "a", "after_seq": None, "before_seq": None, "since_us": None,
            "until_us": None, "descending": False, "limit": 1, **q})
        self.assertEqual(count(), 10)
        self.assertEqual(count(after_seq=3, before_seq=7), 3)
        self.assertEqual(count(since_us=5000, until_us=8000), 3)
        self.assertEqual(count(tenant="b"), 0)
        self.assertEqual(self.store.get("a", "a-4")["hash"], "ha4")
        self.assertIsNone(self.store.get("a", "nope"))

    def test_a_purge_deletes_the_prefix_and_appends_its_anchor_at_once(self) -> None:
        self.store.append(chain("a", 1, 5, GENESIS))
        anchor = row("a", 6, "ha5")
        with self.assertRaises(Conflict):
            self.store.purge("a", 3, 2, anchor)  # 3 rows would go
        with self.assertRaises(Conflict):
            self.store.purge("a", 3, 3, row("a", 6, "wrong"))
        self.assertEqual(self.count(), 5)
        self.store.purge("a", 3, 3, anchor)
        seqs = [r[0] for r in self.store.conn.execute("SELECT seq FROM audit_events ORDER BY seq")]
        self.assertEqual(seqs, [4, 5, 6])
        self.assertEqual(self.store.head("a"), {"seq": 6, "hash": "ha6"})

    def test_settings_are_kept_byte_for_byte(self) -> None:
        self.assertIsNone(self.store.get_settings("a"))
        self.store.put_settings("a", '{"x": 1}')
        self.store.put_settings("a", '{"retention":{"days":90}}')
        self.assertEqual(self.store.get_settings("a"), '{"retention":{"days":90}}')

    def test_a_store_held_by_another_writer_is_busy_after_the_timeout(self) -> None:
        other = sqlite3.connect(self.path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            store = SqliteStore(self.path, busy_timeout_s=0.2)
            with self.assertRaises(Busy) as caught:
                store.append(chain("a", 1, 1, GENESIS))
            self.assertIn("over 200 ms", str(caught.exception))
            store.close()
        finally:
            other.execute("ROLLBACK")
            other.close()
        self.store.append(chain("a", 1, 1, GENESIS))

    def test_the_file_has_the_reference_hosts_schema_version(self) -> None:
        self.assertEqual(self.store.conn.execute("PRAGMA user_version").fetchone()[0], 3)


if __name__ == "__main__":
    unittest.main()
