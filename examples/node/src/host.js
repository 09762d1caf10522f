// Loading the transpiled audit component and calling it: the whole host,
// minus the store, the clock and the keys (memory-store.js, clock.js, keys.js).
//
// One AuditLog per process compiles the component's core modules once; a
// Session per unit of work instantiates them over one store, clock and
// keyring, implements the imports in JavaScript, and makes the calls. The
// component gets no filesystem, network, environment or arguments: only the
// three imports (and empty WASI, see wasi.js).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { componentPath, GEN } from './paths.js';
import { wasiImports } from './wasi.js';

// The generated instantiate() reads its imports by interface name without
// the package version ('audit:log/store'), though its .d.ts names them with
// it ('audit:log/store@0.2.1'): the code is what counts.
const iface = (name) => `audit:log/${name}`;
const STORE_FUNCTIONS = ['append', 'head', 'beginRead', 'endRead', 'scan', 'count', 'get', 'getSettings', 'putSettings', 'purge'];
const symbolDispose = Symbol.dispose ?? Symbol.for('dispose');

/**
 * The component refused a call: `kind` is the WIT `error` case
 * (`invalid-input`, `limit-exceeded`, `not-found`, `store`, `other`,
 * `denied`) and `detail` its payload.
 */
export class AuditError extends Error {
  constructor(error) {
    const { tag: kind, val: detail } = error;
    let message;
    if (kind === 'invalid-input') message = `${detail.field}: ${detail.reason}`;
    else if (kind === 'limit-exceeded')
      message = `${detail.field}: ${detail.actual} ${detail.unit} over the limit of ${detail.limit}`;
    else if (kind === 'denied') message = `access denied: ${detail}`;
    else message = `${kind}: ${detail}`;
    super(message);
    this.kind = kind;
    this.detail = detail;
  }
}

/** The compiled component, once per process. */
export class AuditLog {
  /**
   * Loads gen/ (made by `npm run build` from the component). Refuses a
   * transpile made from another build of the component than `component`
   * (default: AUDIT_COMPONENT, else the workspace's build).
   */
  constructor({ component } = {}) {
    const source = componentPath(component);
    const built = readText(join(GEN, 'component.sha256'));
    const actual = createHash('sha256').update(readFileSync(source)).digest('hex');
    if (built !== actual) {
      throw new Error(
        built === undefined
          ? `the component is not transpiled yet: run \`npm run build\` in examples/node`
          : `examples/node/gen/ was transpiled from another build of the component: run \`npm run build\` in examples/node`,
      );
    }
    this.modules = new Map();
  }

  /** Loads the generated bindings (ES module) once. */
  async load() {
    this.bindings ??= await import(new URL('../gen/audit.js', import.meta.url));
    return this;
  }

  coreModule(name) {
    if (!this.modules.has(name)) this.modules.set(name, new WebAssembly.Module(readFileSync(join(GEN, name))));
    return this.modules.get(name);
  }

  /**
   * A unit of work over `store` (see memory-store.js), `clock`
   * (`now() -> { seconds, nanoseconds }`) and `keyring`
   * (`fingerprints(tenant, messages) -> digests`; absent: no key).
   */
  session(store, clock, keyring) {
    if (!this.bindings) throw new Error('call `await audit.load()` first');
    return new Session(this, store, clock, keyring);
  }
}

/** One instance of the component over one store; typed calls. */
export class Session {
  #exports;

  constructor(audit, store, clock, keyring) {
    Object.assign(this, { audit, store, clock, keyring });
  }

  // The exports (WIT names in camelCase, records with camelCase fields).
  parseInputs(text, defaultTenant) { return this.#call('codec', 'parseInputs', text, defaultTenant); }
  toJson(event) { return this.#call('codec', 'toJson', event); }
  append(event) { return this.#call('log', 'append', event); }
  appendBatch(events) { return this.#call('log', 'appendBatch', events); }
  // parseInputs + appendBatch in one call, one string each way: the stored
  // events as JSON Lines. Much faster here than the typed calls, whose
  // records jco converts value by value.
  appendJson(text, defaultTenant) { return this.#call('log', 'appendJson', text, defaultTenant); }
  query(request) { return this.#call('log', 'query', request); }
  getEvent(tenant, id, viewer) { return this.#call('log', 'getEvent', tenant, id, viewer); }
  getSettings(tenant) { return this.#call('admin', 'getSettings', tenant); }
  putSettings(tenant, settings, actor) { return this.#call('admin', 'putSettings', tenant, settings, actor); }
  patchSettings(tenant, patch, actor) { return this.#call('admin', 'patchSettings', tenant, patch, actor); }
  diff(request) { return this.#call('diff', 'diff', request); }
  // The RFC 6902 patch of diff() alone, as JSON text.
  diffPatch(request) { return this.#call('diff', 'patch', request); }
  verify(tenant, checkpoints = [], publicKeys = []) { return this.#call('integrity', 'verify', tenant, checkpoints, publicKeys); }
  purge(tenant, actor) { return this.#call('integrity', 'purge', tenant, actor); }

  /**
   * Starts an export; iterate the exporter for its chunks (Uint8Array),
   * then close it: its handle lives in the instance until it is dropped
   * (jco drops it when the garbage collector gets to it, if ever).
   */
  export(request) {
    const handle = this.#call('dataExport', 'start', request);
    return new Exporter(this, handle, this.#exports);
  }

  #call(name, func, ...args) {
    const exports = this.#instance();
    return this._enter(exports, () => exports[name][func](...args));
  }

  /** Runs a call: a result's error becomes an AuditError; after a trap the
   * instance is dropped and the next call gets a fresh one. */
  _enter(exports, call) {
    if (exports !== this.#exports) throw new Error('this instance has trapped; start again');
    try {
      return call();
    } catch (e) {
      // A result's error is thrown as its payload, `{ tag, val }` (build.js
      // turns off jco's ComponentError wrapping); anything else is a trap or
      // a host bug, after which the instance cannot be trusted.
      if (!(e instanceof Error) && typeof e?.tag === 'string') throw new AuditError(e);
      this.#exports = undefined;
      throw e;
    }
  }

  #instance() {
    this.#exports ??= this.audit.bindings.instantiate((name) => this.audit.coreModule(name), {
      ...wasiImports,
      [iface('types')]: {},
      // jco calls the functions detached from their object: bind them.
      [iface('store')]: Object.fromEntries(
        STORE_FUNCTIONS.map((name) => [name, (...args) => this.store[name](...args)]),
      ),
      [iface('clock')]: { now: () => this.clock.now() },
      [iface('keyring')]: {
        fingerprints: (tenant, messages) => {
          // Thrown objects (not Errors) are the `err` case of the result.
          if (!this.keyring) throw { tag: 'no-key' };
          try {
            return this.keyring.fingerprints(tenant, messages);
          } catch (e) {
            throw { tag: 'failed', val: String(e?.message ?? e).replace(/\s+/g, ' ') };
          }
        },
      },
    });
    return this.#exports;
  }
}

/** An export in progress: iterate it for chunks of the file. */
export class Exporter {
  constructor(session, handle, exports) {
    Object.assign(this, { session, handle, exports });
  }

  nextChunk() {
    return this.session._enter(this.exports, () => this.#open().nextChunk());
  }

  progress() {
    return this.session._enter(this.exports, () => this.#open().progress());
  }

  *[Symbol.iterator]() {
    for (let chunk; (chunk = this.nextChunk()) !== undefined; ) yield chunk;
  }

  /** Drops the exporter in the component (abandons an unfinished export). */
  close() {
    this.handle?.[symbolDispose]?.();
    this.handle = undefined;
  }

  #open() {
    if (!this.handle) throw new Error('this export is closed');
    return this.handle;
  }
}

function readText(path) {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}
