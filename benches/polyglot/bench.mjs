// The Node column of the suite's polyglot path (benches/src/polyglot.rs
// runs it): the component through jco against what a Node backend would
// use instead, in the same process on the same data.
//
//   node bench.mjs PAIRS.json EVENTS.jsonl ROUNDS
//
// - diff: `diff.patch` (text in, patch text out) and the typed `diff`
//   (patch and change list as records) against fast-json-patch's `compare`
//   with `JSON.parse` of both and `JSON.stringify` of the patch, and against
//   `compare` on objects already parsed; every patch of ours applied by
//   fast-json-patch must give `after`.
// - record: batches of 100 events into the in-memory store, by
//   `log.append-json` and by the typed `parseInputs` + `appendBatch`; both
//   stores must end with the same head hash (the same events).
// - glue: how much of a typed diff is jco lifting the result's records:
//   the same call with a result of one string (`patch`) shows the rest.
//
// Prints one JSON object: microseconds per pair, events per second.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fastJsonPatch from 'fast-json-patch';
import { AuditLog } from '../../examples/node/src/host.js';
import { MemoryStore } from '../../examples/node/src/memory-store.js';
import { SteppingClock } from '../../examples/node/src/clock.js';

const CLOCK = '2027-01-01T00:00:00Z';
const BATCH = 100;
const [pairsPath, eventsPath, roundsText] = process.argv.slice(2);
const rounds = Number(roundsText);
const pairs = JSON.parse(readFileSync(pairsPath, 'utf8'));
const lines = readFileSync(eventsPath, 'utf8').split('\n').filter((l) => l.trim());

const bestPerItem = (items, run) => {
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    run();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e3);
  }
  return best / items;
};

const audit = await new AuditLog().load();
const session = audit.session(new MemoryStore(), new SteppingClock(CLOCK));
const requests = pairs.map(([before, after]) => ({ before, after }));
const deepEqual = (a, b) => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
function sorted(v) {
  if (Array.isArray(v)) return v.map(sorted);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted(v[k])]));
  return v;
}
for (const [i, request] of requests.entries()) {
  const patch = session.diffPatch(request);
  if (patch !== session.diff(request).patch) throw new Error('diff.patch and diff gave different patches');
  const applied = fastJsonPatch.applyPatch(JSON.parse(pairs[i][0]), JSON.parse(patch)).newDocument;
  if (!deepEqual(applied, JSON.parse(pairs[i][1]))) throw new Error('our patch applied by fast-json-patch does not give after');
}
const parsed = pairs.map(([b, a]) => [JSON.parse(b), JSON.parse(a)]);
const n = pairs.length;
const out = {
  host: 'node',
  node: process.versions.node,
  fast_json_patch: createRequire(import.meta.url)('fast-json-patch/package.json').version,
  diff: {
    pairs: n,
    component_patch_us: bestPerItem(n, () => requests.forEach((r) => session.diffPatch(r))),
    component_typed_us: bestPerItem(n, () => requests.forEach((r) => session.diff(r).patch)),
    peer_text_us: bestPerItem(n, () =>
      pairs.forEach(([b, a]) => JSON.stringify(fastJsonPatch.compare(JSON.parse(b), JSON.parse(a)))),
    ),
    peer_parsed_us: bestPerItem(n, () => parsed.forEach(([b, a]) => fastJsonPatch.compare(b, a))),
  },
};

const batches = [];
for (let i = 0; i < lines.length; i += BATCH) batches.push(lines.slice(i, i + BATCH).join('\n'));
const heads = {};
const record = (kind) => {
  const store = new MemoryStore();
  const s = audit.session(store, new SteppingClock(CLOCK));
  const start = process.hrtime.bigint();
  for (const text of batches) {
    if (kind === 'json') s.appendJson(text, 'acme');
    else s.appendBatch(s.parseInputs(text, 'acme'));
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  heads[kind] = store.head('acme')?.hash;
  return lines.length / seconds;
};
out.record = {
  events: lines.length,
  batch: BATCH,
  append_json_events_per_s: record('json'),
  typed_events_per_s: record('typed'),
};
if (heads.json !== heads.typed) throw new Error('append-json and the typed calls stored different chains');
console.log(JSON.stringify(out));
