// The quality-management scenario on the Node host: the event count, a
// filter result, a redacted field, a tamper detected.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { AuditLog } from '../src/host.js';
import { run } from '../scenario.js';

let result;
before(async () => {
  result = await run(await new AuditLog().load());
});

test('every event is stored in one chain', () => {
  const { events } = result;
  assert.deepEqual(events.map((e) => e.seq), [1n, 2n, 3n, 4n, 5n, 6n, 7n]);
  assert.equal(events[0].prevHash, '0'.repeat(64));
  for (let i = 1; i < events.length; i++) assert.equal(events[i].prevHash, events[i - 1].hash);
  // The query and the export were recorded too: 9 rows.
  const rows = result.rowsTsv.trimEnd().split('\n');
  assert.equal(rows.length, 9);
  assert.match(rows[7], /audit_log\.viewed/);
  assert.match(rows[8], /audit_log\.exported/);
});

test("the filter returns Ana Admin's user actions, newest first", () => {
  assert.deepEqual(result.page.events.map((e) => e.seq), [6n, 5n, 4n, 3n]);
  assert.equal(result.page.total, 4n);
  for (const e of result.page.events) {
    assert.equal(e.actor.id, 'u_42');
    assert.ok(e.action.startsWith('user.'));
  }
});

test('the password is redacted, with fingerprints', () => {
  const event = result.events[5];
  assert.equal(event.action, 'user.password_changed');
  const password = event.changes.find((c) => c.path === '/password');
  assert.equal(password.redacted, true);
  assert.equal(password.old, '"[redacted]"');
  assert.equal(password.new, '"[redacted]"');
  assert.match(password.oldFingerprint, /^[0-9a-f]{64}$/);
  assert.notEqual(password.oldFingerprint, password.newFingerprint);
  assert.equal(JSON.parse(event.metadata).authorization, '[redacted]');
  const everything = result.transcript + result.rowsTsv + result.csv.toString();
  for (const secret of ['hunter2', 'Winter2026!', 'eyJhbGciOiJIUzI1NiJ9', 'sk_live_1234', '4111 1111']) {
    assert.ok(!everything.includes(secret), secret);
  }
});

test('the CSV export neutralises formulas', () => {
  const csv = result.csv.toString();
  assert.ok(csv.startsWith('"timestamp","actor","action","target","field",'));
  assert.ok(csv.includes(`"'=SUM(B2:B9)"`));
});

test('the tampered event is found', () => {
  assert.deepEqual(result.intact.findings, []);
  assert.equal(result.intact.events, 9n);
  assert.equal(result.tampered.findings.length, 1);
  const [finding] = result.tampered.findings;
  assert.equal(finding.kind, 'modified');
  assert.equal(finding.seq, 3n);
});
