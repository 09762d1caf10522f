// The component's `store` import in memory, with the semantics of the Rust
// reference host's stores (host-runner/src/storage/memory.rs and sqlite.rs):
//
// - an append is all or nothing;
// - a tenant's first row must continue its head (seq = head + 1,
//   prevHash = head hash), else the append is refused with `conflict` and
//   nothing is written: that is how two writers share one log without
//   forking its chain;
// - a purge deletes a prefix and appends its anchor at once, and is refused
//   when the anchor does not continue the head or when not exactly the
//   expected number of rows would go.
//
// Rows are the WIT record as jco gives it: { tenant, seq (bigint), id,
// occurredAtUs (bigint), prevHash, hash, body, defects }; rows in memory
// never hold a column of the wrong type, so `defects` stays empty.
//
// A read of one moment (`beginRead` … `endRead`) needs nothing here: the
// store lives in the one thread that calls the component, so no append can
// come between two reads of one call.

export const GENESIS = '0'.repeat(64);

/** A store call that failed: its `payload` is the WIT `store-error`. */
export class StoreError extends Error {
  constructor(tag, message) {
    super(message ?? tag);
    // jco hands a thrown error's `payload` to the component as the `err` case.
    this.payload = tag === 'conflict' ? { tag } : { tag, val: message };
  }
}

export const conflict = () => new StoreError('conflict', "the rows do not continue the tenant's head");

export class MemoryStore {
  /** tenant → rows in seq order */
  tenants = new Map();
  /** tenant → settings document */
  settings = new Map();

  append(rows) {
    const heads = new Map();
    for (const row of rows) {
      const [seq, hash] = heads.get(row.tenant) ?? this.#head(row.tenant);
      if (row.seq !== seq + 1n || row.prevHash !== hash) throw conflict();
      heads.set(row.tenant, [row.seq, row.hash]);
    }
    for (const row of rows) {
      if (!this.tenants.has(row.tenant)) this.tenants.set(row.tenant, []);
      this.tenants.get(row.tenant).push({ ...row });
    }
  }

  beginRead() {}

  endRead() {}

  head(tenant) {
    const rows = this.tenants.get(tenant);
    const last = rows?.[rows.length - 1];
    return last ? { seq: last.seq, hash: last.hash } : undefined;
  }

  scan(q) {
    const rows = this.tenants.get(q.tenant) ?? [];
    const keep = (r) => within(q, r);
    const limit = Math.max(q.limit, 1);
    const ordered = q.descending ? [...rows].reverse() : rows;
    const out = [];
    for (const r of ordered) {
      if (out.length >= limit) break;
      if (keep(r)) out.push({ ...r });
    }
    return out;
  }

  /** How many rows `scan` would return over all its batches (a u64: a BigInt). */
  count(q) {
    const rows = this.tenants.get(q.tenant) ?? [];
    return BigInt(rows.filter((r) => within(q, r)).length);
  }

  get(tenant, id) {
    const row = this.tenants.get(tenant)?.find((r) => r.id === id);
    return row ? { ...row } : undefined;
  }

  getSettings(tenant) {
    return this.settings.get(tenant);
  }

  putSettings(tenant, settings) {
    this.settings.set(tenant, settings);
  }

  purge(tenant, throughSeq, expectedCount, anchor) {
    const rows = this.tenants.get(tenant) ?? [];
    const [seq, hash] = this.#head(tenant);
    const doomed = rows.filter((r) => r.seq <= throughSeq).length;
    if (anchor.tenant !== tenant || anchor.seq !== seq + 1n || anchor.prevHash !== hash || BigInt(doomed) !== expectedCount) {
      throw conflict();
    }
    this.tenants.set(tenant, [...rows.filter((r) => r.seq > throughSeq), { ...anchor }]);
  }

  #head(tenant) {
    const last = this.head(tenant);
    return last ? [last.seq, last.hash] : [0n, GENESIS];
  }
}

/** Whether a row is within every bound of a scan request. */
function within(q, r) {
  return (
    (q.afterSeq === undefined || r.seq > q.afterSeq) &&
    (q.beforeSeq === undefined || r.seq < q.beforeSeq) &&
    (q.sinceUs === undefined || r.occurredAtUs >= q.sinceUs) &&
    (q.untilUs === undefined || r.occurredAtUs < q.untilUs)
  );
}
