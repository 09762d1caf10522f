// The Node host's calls: the component's refusals come back typed, a failing
// store or keyring never takes the host down.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { AuditError, AuditLog } from '../src/host.js';
import { MemoryStore, StoreError } from '../src/memory-store.js';
import { SteppingClock } from '../src/clock.js';
import { MasterKey } from '../src/keys.js';

const EVENT =
  '{"tenant":"acme","action":"user.updated","actor":{"id":"u_42","kind":"user"},' +
  '"outcome":"success","before":{"password":"a"},"after":{"password":"b"}}';
const VIEWER = { actor: { id: 'auditor', kind: 'user' }, roles: ['admin'], context: {} };

let audit;
before(async () => {
  audit = await new AuditLog().load();
});
const session = (store = new MemoryStore(), keyring = new MasterKey(new Uint8Array(32))) =>
  audit.session(store, new SteppingClock('2026-11-21T10:00:00Z'), keyring);

test("the component's refusals come back typed", () => {
  const s = session();
  const [bad] = s.parseInputs(EVENT.replace('user.updated', 'User.Updated'));
  assert.throws(() => s.appendBatch([bad]), (e) => {
    assert.ok(e instanceof AuditError);
    assert.equal(e.kind, 'invalid-input');
    assert.equal(e.detail.field, 'events[0].action');
    assert.match(e.message, /^events\[0\]\.action: must be entity\.verb/);
    return true;
  });
  assert.throws(() => s.getEvent('acme', 'nope', VIEWER), (e) => e.kind === 'not-found');
  const denied = { filter: { tenant: 'acme' }, order: 'newest-first', limit: 10, viewer: { ...VIEWER, roles: ['agent'] }, count: false };
  assert.throws(() => s.query(denied), (e) => e.kind === 'denied' && e.message.startsWith('access denied: '));
  // The session still works; the refused read was recorded first (seq 1).
  assert.equal(s.append(s.parseInputs(EVENT)[0]).seq, 2n);
});

test('a failing store read is a store error, and the session goes on', () => {
  const store = new MemoryStore();
  const s = session(store);
  const [event] = s.parseInputs(EVENT);
  const head = store.head;
  store.head = () => { throw new StoreError('failed', 'disk I/O error'); };
  assert.throws(() => s.append(event), (e) => e.kind === 'store' && e.detail === 'disk I/O error');
  store.head = head;
  assert.equal(s.append(event).seq, 1n);
});

test('a failing store write stores nothing', () => {
  const store = new MemoryStore();
  const s = session(store);
  const [event] = s.parseInputs(EVENT);
  const append = store.append;
  store.append = () => { throw new StoreError('busy', 'another connection held the store for over 10000 ms'); };
  assert.throws(() => s.appendBatch([event, event]), (e) => e.kind === 'store' && /over 10000 ms/.test(e.message));
  store.append = append;
  assert.deepEqual(s.appendBatch([event, event]).map((e) => e.seq), [1n, 2n]);
});

test('a bug in the host surfaces as itself, and the next call gets a fresh instance', () => {
  const store = new MemoryStore();
  const s = session(store);
  const [event] = s.parseInputs(EVENT);
  const head = store.head;
  store.head = () => { throw new TypeError('oops'); };
  assert.throws(() => s.append(event), TypeError);
  store.head = head;
  assert.equal(s.append(event).seq, 1n);
});

test('without a key values are hidden without fingerprints; a failing keyring stores nothing', () => {
  const [change] = session(new MemoryStore(), null).append(session().parseInputs(EVENT)[0]).changes;
  assert.equal(change.redacted, true);
  assert.equal(change.oldFingerprint, undefined);
  assert.equal(change.new, '"[redacted]"');
  const store = new MemoryStore();
  const broken = { fingerprints() { throw new Error('cannot read the key file'); } };
  const s = session(store, broken);
  assert.throws(() => s.append(s.parseInputs(EVENT)[0]), (e) => e instanceof AuditError && /cannot read the key file/.test(e.message));
  assert.equal(store.head('acme'), undefined);
});

test('an abandoned export is dropped', () => {
  const s = session();
  s.append(s.parseInputs(EVENT)[0]);
  const request = { filter: { tenant: 'acme' }, order: 'oldest-first', viewer: VIEWER, format: 'jsonl', columns: [], rows: 'events', byteOrderMark: false };
  const exporter = s.export(request);
  exporter.close();
  assert.throws(() => exporter.nextChunk(), /closed/);
  const again = s.export(request);
  const lines = Buffer.concat([...again]).toString().trimEnd().split('\n');
  again.close();
  assert.equal(lines.length, 2);
});

test('appendJson stores what the typed calls store, diffPatch is the typed patch', () => {
  const text = `${EVENT}\n${EVENT.replace('u_42', 'u_43')}`;
  const lines = session().appendJson(text);
  const typed = session();
  const events = typed.appendBatch(typed.parseInputs(text));
  assert.equal(lines, events.map((e) => `${typed.toJson(e)}\n`).join(''));
  assert.equal(JSON.parse(lines.split('\n')[0]).changes[0].new, '[redacted]');
  assert.throws(() => session().appendJson(text.replace('"user"', '"robot"')), (e) => {
    assert.ok(e instanceof AuditError);
    assert.equal(e.detail.field, 'events[0].actor.kind');
    return true;
  });
  const s = session();
  const request = { before: '{"a":1,"password":"x"}', after: '{"a":2,"password":"y"}' };
  assert.equal(s.diffPatch(request), s.diff(request).patch);
  assert.match(s.diffPatch(request), /\[redacted\]/);
});
