// Completes package-lock.json after `npm install --package-lock-only`
// (`npm run lock` runs both).
//
// Packages with native parts list one optional dependency per platform
// (`@bytecodealliance/jco-node-fs-linux-x64-gnu`, ...-win32-x64-msvc, ...).
// The registry these machines reach lacks a few of those platform builds, so
// npm leaves them out of the lockfile, and `npm ci` then refuses the lockfile
// as out of sync with package.json ("Missing: ... from lock file"). This adds
// each missing platform package with its version and the platform its name
// says, as npm would have written it: `npm ci` skips a platform package
// whose `os` and `cpu` are not this machine's, and never downloads it.
import { readFileSync, writeFileSync } from 'node:fs';

const OS = ['darwin', 'linux', 'win32', 'freebsd', 'android', 'openharmony', 'sunos', 'aix'];
const CPU = ['x64', 'arm64', 'arm', 'ia32', 'ppc64', 's390x', 'riscv64', 'loong64', 'wasm32'];
const LIBC = { gnu: 'glibc', musl: 'musl' };

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const added = [];
for (const [key, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const at = `node_modules/${name}`;
    if (lock.packages[at]) continue;
    const parts = name.split('/').pop().split('-');
    const os = parts.find((p) => OS.includes(p));
    const cpu = parts.find((p) => CPU.includes(p));
    if (!os && !cpu) throw new Error(`${name} (from ${key}) is missing and names no platform`);
    const libc = parts.map((p) => LIBC[p.replace(/eabihf$/, '')]).find(Boolean);
    lock.packages[at] = {
      version,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      ...(os ? { os: [os] } : {}),
      ...(cpu ? { cpu: [cpu] } : {}),
      ...(libc && os === 'linux' ? { libc: [libc] } : {}),
    };
    added.push(`${name}@${version}`);
  }
}
writeFileSync(path, JSON.stringify(lock, null, 2) + '\n');
console.log(added.length ? `added ${added.join(', ')}` : 'nothing missing');
