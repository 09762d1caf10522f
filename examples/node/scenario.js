// The quality-management scenario on the Node host.
//
// Runs examples/scenario/scenario.json (the same inputs, clock and key as the
// Rust and Python hosts): records the events one call each, reads them back
// with a filter, diffs two documents, exports a CSV, verifies the chain,
// tampers with one stored event and verifies again. Prints what happened;
// with `--out DIR` also writes what tests/polyglot.rs compares across hosts:
// transcript.txt, rows.tsv (the stored rows, before the tampering) and
// export.csv.
//
//   node scenario.js [--out DIR] [--component FILE]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { AuditError, AuditLog } from './src/host.js';
import { MemoryStore } from './src/memory-store.js';
import { SteppingClock } from './src/clock.js';
import { MasterKey } from './src/keys.js';

const SCENARIO = new URL('../scenario/scenario.json', import.meta.url);

/** snake_case keys (the scenario's JSON) → camelCase (jco's records). */
export function camel(value) {
  if (Array.isArray(value)) return value.map(camel);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c) => c.toUpperCase()), camel(v)]),
  );
}

/** JSON with sorted keys and no whitespace: the transcript's form, the same
 * in every host. 64-bit integers (bigint) are written as numbers. */
export function canonical(value) {
  const sorted = (v) => {
    if (typeof v === 'bigint') return Number(v);
    if (Array.isArray(v)) return v.map(sorted);
    if (v === null || typeof v !== 'object') return v;
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted(v[k])]));
  };
  return JSON.stringify(sorted(value));
}

const orNull = (v) => (v === undefined ? null : v);

export function renderChange(c) {
  return canonical({
    path: c.path, op: c.op, old: orNull(c.old), new: orNull(c.new), from_path: orNull(c.fromPath),
    redacted: c.redacted, old_fingerprint: orNull(c.oldFingerprint),
    new_fingerprint: orNull(c.newFingerprint), collapsed: c.collapsed,
  });
}

export function renderReport(r) {
  return canonical({
    tenant: r.tenant, events: r.events, first_seq: orNull(r.firstSeq), last_seq: orNull(r.lastSeq),
    last_hash: orNull(r.lastHash), purged_through: orNull(r.purgedThrough),
    checkpoints_verified: r.checkpointsVerified, checkpoints_skipped: r.checkpointsSkipped,
    findings_omitted: r.findingsOmitted,
    findings: r.findings.map((f) => ({ kind: f.kind, seq: f.seq, related_seq: orNull(f.relatedSeq), detail: f.detail })),
  });
}

/** Runs the scenario into a fresh memory store; returns every result, the
 * transcript and the files' contents. */
export async function run(audit) {
  const spec = JSON.parse(readFileSync(SCENARIO, 'utf8'));
  const tenant = spec.tenant;
  const store = new MemoryStore();
  const session = audit.session(store, new SteppingClock(spec.clock), MasterKey.fromHex(spec.master_key));
  const viewer = camel(spec.viewer);
  const filter = (fields) => ({ tenant, ...camel(fields) });
  const transcript = [];

  // 1. Record the events, one call per action, as a product would.
  const text = readFileSync(new URL(spec.events, SCENARIO), 'utf8');
  const events = session.parseInputs(text, tenant).map((input) => session.append(input));
  for (const e of events) transcript.push(`append ${session.toJson(e)}`);

  // 2. Read them back with a filter.
  const q = spec.query;
  const page = session.query({ filter: filter(q.filter), order: q.order, limit: q.limit, viewer, count: true });
  transcript.push(`query seqs=${page.events.map((e) => e.seq).join(',')} total=${page.total}`);

  // 3. A diff on its own, with the tenant's key for fingerprints.
  const d = spec.diff;
  const diff = session.diff({ before: JSON.stringify(d.before), after: JSON.stringify(d.after), action: d.action, tenant });
  transcript.push(`diff-patch ${diff.patch}`);
  for (const c of diff.changes) transcript.push(`diff-change ${renderChange(c)}`);

  // 4. A CSV export of the same filter, streamed.
  const x = spec.export;
  const exporter = session.export({
    filter: filter(x.filter), order: x.order, viewer, format: 'csv', columns: x.columns, rows: x.rows,
    byteOrderMark: false,
  });
  let csv, progress;
  try {
    csv = Buffer.concat([...exporter]);
    progress = exporter.progress();
  } finally {
    exporter.close();
  }
  transcript.push(`export rows=${progress.rows} bytes=${csv.length} done=${progress.done}`);

  // 5. Verify the chain.
  const intact = session.verify(tenant);
  transcript.push(`verify ${renderReport(intact)}`);
  const rows = store.tenants.get(tenant);
  const rowsTsv = rows.map((r) => [r.seq, r.id, r.occurredAtUs, r.prevHash, r.hash, r.body].join('\t') + '\n').join('');

  // 6. Someone with access to the store edits an event; verify finds it.
  const t = spec.tamper;
  const victim = rows.find((r) => r.seq === BigInt(t.seq));
  victim.body = victim.body.replaceAll(t.find, t.replace);
  transcript.push(`tamper seq=${t.seq}`);
  const tampered = session.verify(tenant);
  transcript.push(`verify ${renderReport(tampered)}`);

  return { events, page, diff, csv, intact, tampered, rowsTsv, transcript: transcript.map((l) => l + '\n').join('') };
}

async function main() {
  const { values } = parseArgs({ options: { out: { type: 'string' }, component: { type: 'string' } } });
  let result;
  try {
    result = await run(await new AuditLog({ component: values.component }).load());
  } catch (e) {
    if (!(e instanceof AuditError) && !e.message?.includes('npm run build') && !e.message?.includes('no component')) throw e;
    console.error(`error: ${e.message}`);
    process.exit(1);
  }
  for (const e of result.events) {
    console.log(`  #${String(e.seq).padEnd(3)} ${e.action.padEnd(22)} by ${e.actor.name ?? e.actor.id}`);
  }
  console.log(`query: seqs ${result.page.events.map((e) => e.seq).join(', ')}`);
  process.stdout.write(result.csv);
  for (const [name, r] of [['intact', result.intact], ['tampered', result.tampered]]) {
    const verdict = r.findings.length === 0 ? 'intact' : 'NOT INTACT: ' + r.findings.map((f) => `${f.kind} seq ${f.seq}`).join('; ');
    console.log(`verify (${name}): ${r.events} events, ${verdict}`);
  }
  if (values.out) {
    mkdirSync(values.out, { recursive: true });
    writeFileSync(join(values.out, 'transcript.txt'), result.transcript);
    writeFileSync(join(values.out, 'rows.tsv'), result.rowsTsv);
    writeFileSync(join(values.out, 'export.csv'), result.csv);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await main();
