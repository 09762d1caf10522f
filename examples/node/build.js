// Transpiles the audit component into JavaScript and core wasm modules in
// gen/ with jco, for `instantiate()` with imports given at run time
// (`instantiation: 'sync'`), and records which component it came from
// (gen/component.sha256), so that the host refuses a stale transpile.
//
//   node build.js [COMPONENT.wasm]   (default: AUDIT_COMPONENT, else the workspace's build)
import { transpileBytes } from '@bytecodealliance/jco-transpile';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { componentPath, GEN } from './src/paths.js';

const source = componentPath(process.argv[2]);
const bytes = readFileSync(source);
const { files } = await transpileBytes(bytes, {
  name: 'audit',
  instantiation: 'sync',
  // The host passes every import itself, WASI included (src/wasi.js).
  wasiShim: false,
  // A result's error is thrown as the WIT error itself, { tag, val }.
  noComponentErrorWrapping: true,
});
rmSync(GEN, { recursive: true, force: true });
for (const [name, content] of Object.entries(files)) {
  const path = join(GEN, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}
writeFileSync(join(GEN, 'component.sha256'), createHash('sha256').update(bytes).digest('hex') + '\n');
console.log(`transpiled ${source} into ${GEN} (${Object.keys(files).length} files)`);
