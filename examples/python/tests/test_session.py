"""The Python host's calls: bad input gets one line naming the field, the
component's refusals come back typed, a failing store never takes the host
down."""

import unittest
from unittest import mock

from audit_host import component
from audit_host import (
    AuditError, AuditLog, Busy, Failed, InputError, MasterKey, SqliteStore, SteppingClock, Trap,
)

EVENT = ('{"tenant":"acme","action":"user.updated","actor":{"id":"u_42","kind":"user"},'
         '"outcome":"success","before":{"password":"a"},"after":{"password":"b"}}')
VIEWER = {"actor": {"id": "auditor", "kind": "user"}, "roles": ["admin"], "context": {}}


class FlakyStore(SqliteStore):
    """An in-memory store whose reads or writes fail on request."""

    fail_reads = False
    fail_writes = None

    def head(self, tenant):
        if self.fail_reads:
            raise Failed("disk I/O error")
        return super().head(tenant)

    def append(self, rows):
        if self.fail_writes:
            raise self.fail_writes
        return super().append(rows)


class Session(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.audit = AuditLog()

    def session(self, store=None, keyring=MasterKey(bytes(32))):
        store = store or SqliteStore(":memory:")
        return self.audit.session(store, SteppingClock("2026-11-21T10:00:00Z"), keyring)

    def test_a_value_of_the_wrong_shape_is_refused_naming_the_field(self) -> None:
        s = self.session()
        [event] = s.parse_inputs(EVENT)
        cases = [
            ({k: v for k, v in event.items() if k != "actor"}, "event.actor: required"),
            ({**event, "colour": "red"}, "event.colour: unknown field"),
            ({**event, "tenant": 7}, "event.tenant: expected a string"),
            ({**event, "actor": {**event["actor"], "kind": "robot"}},
             "event.actor.kind: expected one of user, system, api-key, service"),
        ]
        for bad, message in cases:
            with self.assertRaises(InputError) as caught:
                s.append(bad)
            self.assertEqual(str(caught.exception), message)
        with self.assertRaises(InputError) as caught:
            s.query({"filter": {"tenant": "acme"}, "order": "newest-first", "limit": -1,
                     "viewer": VIEWER, "count": False})
        self.assertEqual(str(caught.exception), "request.limit: -1 is outside 0 to 4294967295")
        self.assertEqual(s.append(event)["seq"], 1)  # the session still works

    def test_the_components_refusals_come_back_typed(self) -> None:
        s = self.session()
        [bad] = s.parse_inputs(EVENT.replace("user.updated", "User.Updated"))
        with self.assertRaises(AuditError) as caught:
            s.append_batch([bad])
        self.assertEqual(caught.exception.kind, "invalid-input")
        self.assertEqual(caught.exception.detail["field"], "events[0].action")
        self.assertTrue(str(caught.exception).startswith("events[0].action: must be entity.verb"))
        with self.assertRaises(AuditError) as caught:
            s.parse_inputs('{"tenant":"acme","action":"user.updated"')
        self.assertEqual(caught.exception.kind, "invalid-input")
        with self.assertRaises(AuditError) as caught:
            s.get_event("acme", "nope", VIEWER)
        self.assertEqual(caught.exception.kind, "not-found")
        with self.assertRaises(AuditError) as caught:
            s.query({"filter": {"tenant": "acme"}, "order": "newest-first", "limit": 10,
                     "viewer": {**VIEWER, "roles": ["agent"]}, "count": False})
        self.assertEqual(caught.exception.kind, "denied")

    def test_a_failing_store_read_is_a_store_error_and_the_session_goes_on(self) -> None:
        store = FlakyStore(":memory:")
        s = self.session(store)
        [event] = s.parse_inputs(EVENT)
        store.fail_reads = True
        with self.assertRaises(AuditError) as caught:
            s.append(event)
        self.assertEqual((caught.exception.kind, caught.exception.detail), ("store", "disk I/O error"))
        store.fail_reads = False
        self.assertEqual(s.append(event)["seq"], 1)

    def test_a_failing_store_write_stores_nothing(self) -> None:
        store = FlakyStore(":memory:")
        s = self.session(store)
        [event] = s.parse_inputs(EVENT)
        store.fail_writes = Busy("another connection held the store for over 10000 ms")
        with self.assertRaises(AuditError) as caught:
            s.append_batch([event, event])
        self.assertEqual(caught.exception.kind, "store")
        self.assertIn("over 10000 ms", str(caught.exception))
        store.fail_writes = None
        self.assertEqual([e["seq"] for e in s.append_batch([event, event])], [1, 2])

    def test_a_trap_drops_the_instance_and_the_next_call_gets_a_fresh_one(self) -> None:
        store = SqliteStore(":memory:")
        s = self.session(store)
        [event] = s.parse_inputs(EVENT)
        # A deadline of 0 ticks: the call is interrupted as soon as it starts.
        with mock.patch.object(component, "DEADLINE_TICKS", 0):
            with self.assertRaises(Trap) as caught:
                s.append(event)
        self.assertIn("interrupt", str(caught.exception))
        self.assertIsNone(store.head("acme"))
        self.assertEqual(s.append(event)["seq"], 1)

    def test_without_a_key_values_are_hidden_without_fingerprints(self) -> None:
        s = self.session(keyring=None)
        [change] = s.append(s.parse_inputs(EVENT)[0])["changes"]
        self.assertTrue(change["redacted"])
        self.assertIsNone(change["old_fingerprint"])
        self.assertEqual(change["new"], '"[redacted]"')

    def test_a_failing_keyring_fails_the_call_and_stores_nothing(self) -> None:
        class Broken:
            def fingerprints(self, tenant, messages):
                raise OSError("cannot read the key file")

        store = SqliteStore(":memory:")
        s = self.session(store, keyring=Broken())
        with self.assertRaises(AuditError) as caught:
            s.append(s.parse_inputs(EVENT)[0])
        self.assertIn("cannot read the key file", str(caught.exception))
        self.assertIsNone(store.head("acme"))

    def test_an_abandoned_export_is_dropped(self) -> None:
        s = self.session()
        s.append(s.parse_inputs(EVENT)[0])
        request = {"filter": {"tenant": "acme"}, "order": "oldest-first", "viewer": VIEWER,
                   "format": "jsonl", "columns": [], "rows": "events", "byte_order_mark": False}
        exporter = s.export(request)
        exporter.close()
        with self.assertRaises(RuntimeError):
            exporter.next_chunk()
        with s.export(request) as again:
            lines = b"".join(again).decode().splitlines()
        # The event and the first export's own record (the second export's
        # snapshot was fixed before its record).
        self.assertEqual(len(lines), 2)


if __name__ == "__main__":
    unittest.main()


class TextCalls(unittest.TestCase):
    """``append_json`` and ``diff_patch``: one string each way, the same
    events and patches as the typed calls."""

    @classmethod
    def setUpClass(cls) -> None:
        cls.audit = AuditLog()

    def session(self):
        return self.audit.session(
            SqliteStore(":memory:"), SteppingClock("2026-11-21T10:00:00Z"), MasterKey(bytes(32))
        )

    def test_append_json_stores_what_the_typed_calls_store(self) -> None:
        import json

        text = EVENT + "\n" + EVENT.replace("u_42", "u_43")
        lines = self.session().append_json(text)
        typed = self.session()
        events = typed.append_batch(typed.parse_inputs(text))
        self.assertEqual(lines, "".join(typed.to_json(e) + "\n" for e in events))
        first = json.loads(lines.splitlines()[0])
        self.assertEqual(first["changes"][0]["new"], "[redacted]")
        with self.assertRaises(AuditError) as caught:
            self.session().append_json(text.replace('"user"', '"robot"', 1))
        self.assertTrue(str(caught.exception).startswith("events[0].actor.kind:"), caught.exception)

    def test_diff_patch_is_the_typed_diffs_patch(self) -> None:
        s = self.session()
        request = {"before": '{"a":1,"password":"x"}', "after": '{"a":2,"password":"y"}',
                   "settings": None, "action": None, "tenant": None}
        self.assertEqual(s.diff_patch(request), s.diff(request)["patch"])
        self.assertIn("[redacted]", s.diff_patch(request))
