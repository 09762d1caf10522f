#!/bin/sh
# Runs one fuzz target for a while, from the seeds kept in the repository.
#   fuzz/run.sh TARGET [SECONDS]     (TARGET: parse_inputs, diff, filter)
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
# New inputs go to fuzz/corpus/TARGET (not kept); crashes to fuzz/artifacts/TARGET.
set -eu
target=$1
seconds=${2:-600}
cd "$(dirname "$0")"
mkdir -p "corpus/$target"
dict=""
[ "$target" = parse_inputs ] && dict="-dict=json.dict"
exec cargo +nightly fuzz run "$target" "corpus/$target" "seeds/$target" -- \
    -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=4096 $dict
