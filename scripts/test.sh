#!/usr/bin/env bash
# The README's test command: everything a fresh clone needs, then every test:
# the Python and Node hosts' own tests, and the Rust workspace's, whose
# end-to-end tests include the comparison of all three hosts
# (tests/polyglot.rs).
set -euo pipefail
cd "$(dirname "$0")/.."

# rustup does not add the targets listed in rust-toolchain.toml by itself.
rustup target add wasm32-wasip2
# Builds audit-host and, through its build script, the component that the
# Python and Node hosts load.
cargo build --release --locked
scripts/setup-examples.sh

echo "testing examples/python"
(cd examples/python && .venv/bin/python -m unittest discover -s tests -t .)
echo "testing examples/node"
(cd examples/node && npm test --silent)

cargo test --workspace --release --locked

# The fuzz targets are their own workspace (libFuzzer needs nightly to run
# them); compiling them keeps them in step with the component's API.
cargo check --manifest-path fuzz/Cargo.toml --locked --bins
