"""Traps on request from the workspace's misbehaving build of the world
(tests/fixture-component): the host survives, says why, and the next call
gets a fresh instance."""

import unittest

from audit_host import AuditError, AuditLog, SqliteStore, SteppingClock, Trap, component

FIXTURE = component.DEFAULT_COMPONENT.with_name("audit_fixture.wasm")


def event(action: str) -> dict:
    return {"tenant": "acme", "action": action, "actor": {"id": "u_1", "kind": "user"},
            "targets": [], "outcome": component.wc.Variant("success"), "context": {}}


class Traps(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.audit = AuditLog(str(FIXTURE))

    def session(self):
        return self.audit.session(SqliteStore(":memory:"), SteppingClock("2026-11-21T10:00:00Z"))

    def assert_fresh_instance(self, s) -> None:
        # The fixture counts the calls of its instance: 1 means a new one.
        with self.assertRaises(AuditError) as caught:
            s.append(event("fixture.refuse"))
        self.assertEqual(str(caught.exception), "other: fixture: call 1 of this instance")

    def test_a_panic_is_a_trap_with_the_guests_message(self) -> None:
        s = self.session()
        with self.assertRaises(Trap) as caught:
            s.append(event("fixture.panic"))
        self.assertIn("panicked at", str(caught.exception))
        self.assertIn("fixture: panicking on request", str(caught.exception))
        self.assert_fresh_instance(s)

    def test_memory_is_limited(self) -> None:
        s = self.session()
        with self.assertRaises(Trap):
            s.append(event("fixture.oom"))
        self.assert_fresh_instance(s)


if __name__ == "__main__":
    unittest.main()
