// The memory store has the reference host's semantics: conflicts on a moved
// head, all or nothing, purge with its anchor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GENESIS, MemoryStore } from '../src/memory-store.js';

const row = (tenant, seq, prevHash) => ({
  tenant, seq: BigInt(seq), id: `${tenant}-${seq}`, occurredAtUs: BigInt(seq) * 1000n,
  prevHash, hash: `h${tenant}${seq}`, body: `{"seq":${seq}}`,
});
const chain = (tenant, first, count, prev) => {
  const rows = [];
  for (let seq = first; seq < first + count; seq++) {
    rows.push(row(tenant, seq, prev));
    prev = rows.at(-1).hash;
  }
  return rows;
};
const conflict = (e) => e.payload?.tag === 'conflict';
const count = (store) => [...store.tenants.values()].reduce((n, rows) => n + rows.length, 0);

test('appends continue the head', () => {
  const store = new MemoryStore();
  assert.equal(store.head('a'), undefined);
  store.append(chain('a', 1, 3, GENESIS));
  assert.deepEqual(store.head('a'), { seq: 3n, hash: 'ha3' });
});

test('a row that does not continue the head is a conflict, and nothing is written', () => {
  const store = new MemoryStore();
  store.append(chain('a', 1, 2, GENESIS));
  for (const bad of [row('a', 4, 'ha2'), row('a', 3, 'wrong'), row('a', 2, 'ha1')]) {
    assert.throws(() => store.append([bad]), conflict);
  }
  assert.equal(count(store), 2);
});

test('a batch is stored whole or not at all', () => {
  const store = new MemoryStore();
  const good = [...chain('a', 1, 2, GENESIS), ...chain('b', 1, 1, GENESIS)];
  assert.throws(() => store.append([...good, row('a', 9, 'ha2')]), conflict);
  assert.equal(count(store), 0);
  store.append(good);
  assert.equal(count(store), 3);
});

test('scans and counts honour every bound and the order', () => {
  const store = new MemoryStore();
  store.append(chain('a', 1, 10, GENESIS));
  const scan = (q) => store.scan({ tenant: 'a', descending: false, limit: 100, ...q }).map((r) => Number(r.seq));
  assert.deepEqual(scan({}), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.deepEqual(scan({ afterSeq: 3n, beforeSeq: 7n }), [4, 5, 6]);
  assert.deepEqual(scan({ sinceUs: 5000n, untilUs: 8000n }), [5, 6, 7]);
  assert.deepEqual(scan({ descending: true, limit: 2 }), [10, 9]);
  assert.deepEqual(scan({ limit: 0 }), [1]);
  const count = (q) => store.count({ tenant: 'a', descending: false, limit: 1, ...q });
  assert.equal(count({}), 10n);
  assert.equal(count({ afterSeq: 3n, beforeSeq: 7n }), 3n);
  assert.equal(count({ sinceUs: 5000n, untilUs: 8000n }), 3n);
  assert.equal(count({ tenant: 'b' }), 0n);
  assert.equal(store.get('a', 'a-4').hash, 'ha4');
  assert.equal(store.get('a', 'nope'), undefined);
});

test('a purge deletes the prefix and appends its anchor at once', () => {
  const store = new MemoryStore();
  store.append(chain('a', 1, 5, GENESIS));
  assert.throws(() => store.purge('a', 3n, 2n, row('a', 6, 'ha5')), conflict);
  assert.throws(() => store.purge('a', 3n, 3n, row('a', 6, 'wrong')), conflict);
  assert.equal(count(store), 5);
  store.purge('a', 3n, 3n, row('a', 6, 'ha5'));
  assert.deepEqual(store.tenants.get('a').map((r) => Number(r.seq)), [4, 5, 6]);
  assert.deepEqual(store.head('a'), { seq: 6n, hash: 'ha6' });
});

test('a stored row is a copy: changing what was appended changes nothing', () => {
  const store = new MemoryStore();
  const rows = chain('a', 1, 1, GENESIS);
  store.append(rows);
  rows[0].body = 'changed';
  assert.equal(store.get('a', 'a-1').body, '{"seq":1}');
});
