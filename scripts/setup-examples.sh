#!/usr/bin/env bash
# Sets up the Python and Node hosts in examples/ (and the HTTP service's
# third-party test tools in tests/http-tools/.venv, the benchmark suite's
# Python and Node peers in benches/polyglot/): a virtual environment with
# the pinned wasmtime (examples/python/.venv), the Node packages from the
# lockfile (npm ci) and the component transpiled for Node (npm run build).
# Needs the component, which `cargo build --release` makes; scripts/test.sh
# runs both. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

component=target/component/wasm32-wasip2/release/audit_component.wasm
fail() { echo "error: $*" >&2; exit 1; }

[ -f "$component" ] || fail "$component is missing: run cargo build --release first (scripts/test.sh does)"
command -v python3 >/dev/null || fail "python3 is not installed: the Python host needs Python 3.11 or newer"
python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || fail "the Python host needs Python 3.11 or newer; python3 is $(python3 --version 2>&1)"
command -v node >/dev/null || fail "node is not installed: the Node host needs Node.js 20 or newer (and npm)"
command -v npm >/dev/null || fail "npm is not installed: the Node host needs it to install its packages"
node -e 'process.exit(Number(process.versions.node.split(".")[0]) < 20 ? 1 : 0)' \
  || fail "the Node host needs Node.js 20 or newer; node is $(node --version)"

echo "setting up examples/python (virtual environment, wasmtime from PyPI)"
python3 -m venv examples/python/.venv \
  || fail "python3 -m venv failed: install Python's venv module (Debian: apt-get install python3-venv)"
examples/python/.venv/bin/pip install --quiet --disable-pip-version-check -r examples/python/requirements.txt

echo "setting up tests/http-tools (openapi-spec-validator and schemathesis from PyPI)"
python3 -m venv tests/http-tools/.venv
tests/http-tools/.venv/bin/pip install --quiet --disable-pip-version-check -r tests/http-tools/requirements.txt

echo "setting up benches/polyglot (the benchmark suite's peers: jsonpatch from PyPI, fast-json-patch from npm)"
python3 -m venv benches/polyglot/.venv
benches/polyglot/.venv/bin/pip install --quiet --disable-pip-version-check -r benches/polyglot/requirements.txt
(cd benches/polyglot && npm ci --no-audit --no-fund --loglevel=error)

echo "setting up examples/node (npm ci, then jco transpiles the component)"
cd examples/node
npm ci --no-audit --no-fund --loglevel=error
npm run --silent build
