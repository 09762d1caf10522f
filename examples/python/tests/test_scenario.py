"""The quality-management scenario on the Python host: the event count, a
filter result, a redacted field, a tamper detected."""

import json
import re
import unittest

import scenario
from audit_host import AuditLog


class Scenario(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.result = scenario.run(AuditLog(), ":memory:")

    def test_every_event_is_stored_in_one_chain(self) -> None:
        events = self.result["events"]
        self.assertEqual([e["seq"] for e in events], list(range(1, 8)))
        for prev, event in zip(events, events[1:]):
            self.assertEqual(event["prev_hash"], prev["hash"])
        self.assertEqual(events[0]["prev_hash"], "0" * 64)
        # The query and the export were recorded too: 9 rows.
        rows = self.result["rows_tsv"].splitlines()
        self.assertEqual(len(rows), 9)
        self.assertIn("audit_log.viewed", rows[7])
        self.assertIn("audit_log.exported", rows[8])

    def test_the_filter_returns_ana_admins_user_actions_newest_first(self) -> None:
        page = self.result["page"]
        self.assertEqual([e["seq"] for e in page["events"]], [6, 5, 4, 3])
        self.assertEqual(page["total"], 4)
        for e in page["events"]:
            self.assertEqual(e["actor"]["id"], "u_42")
            self.assertTrue(e["action"].startswith("user."))

    def test_the_password_is_redacted_with_fingerprints(self) -> None:
        event = self.result["events"][5]
        self.assertEqual(event["action"], "user.password_changed")
        [password] = [c for c in event["changes"] if c["path"] == "/password"]
        self.assertTrue(password["redacted"])
        self.assertEqual((password["old"], password["new"]), ('"[redacted]"', '"[redacted]"'))
        for fingerprint in (password["old_fingerprint"], password["new_fingerprint"]):
            self.assertRegex(fingerprint, r"^[0-9a-f]{64}$")
        self.assertNotEqual(password["old_fingerprint"], password["new_fingerprint"])
        metadata = json.loads(event["metadata"])
        self.assertEqual(metadata["authorization"], "[redacted]")
        everything = self.result["transcript"] + self.result["rows_tsv"] + self.result["csv"].decode()
        for secret in ("hunter2", "Winter2026!", "eyJhbGciOiJIUzI1NiJ9", "sk_live_1234", "4111 1111"):
            self.assertNotIn(secret, everything)

    def test_the_diff_redacts_and_masks(self) -> None:
        patch = json.loads(self.result["diff"]["patch"])
        self.assertIn({"op": "replace", "path": "/api_key", "value": "[redacted]"}, patch)
        self.assertIn({"op": "replace", "path": "/card", "value": "555555******4444"}, patch)
        self.assertIn({"op": "add", "path": "/teams/1", "value": "Blue Team"}, patch)

    def test_the_csv_export_neutralises_formulas(self) -> None:
        csv = self.result["csv"].decode()
        self.assertTrue(csv.startswith('"timestamp","actor","action","target","field",'))
        self.assertIn('"\'=SUM(B2:B9)"', csv)
        self.assertEqual(len(re.findall(r'"/[a-z_/0-9]+"', csv)), 6)

    def test_the_tampered_event_is_found(self) -> None:
        self.assertEqual(self.result["intact"]["findings"], [])
        self.assertEqual(self.result["intact"]["events"], 9)
        [finding] = self.result["tampered"]["findings"]
        self.assertEqual((finding["kind"], finding["seq"]), ("modified", 3))


if __name__ == "__main__":
    unittest.main()
