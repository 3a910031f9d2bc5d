#!/usr/bin/env bash
# Runs each fuzz target for a given number of seconds (default 60) and reports executions.
# The seed corpora are the conformance cases and the policy documents; finds go to
# fuzz/artifacts/<target>/ and fail the run.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${1:-60}"
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --version 0.13.2 --locked
fi
# cargo-fuzz passes unstable compiler flags; the project builds with the stable toolchain.
export RUSTC_BOOTSTRAP=1
for target in decide policy; do
  work="$(mktemp -d)"
  cp corpus/"$target"/* "$work"/
  echo "== fuzz $target for ${seconds}s"
  cargo fuzz run --sanitizer none "$target" "$work" -- -max_total_time="$seconds" -max_len=65536 -print_final_stats=1 2>&1 \
    | grep -E "stat::number_of_executed_units|stat::peak_rss_mb|Done|ERROR|panicked|SUMMARY" || true
  if ls artifacts/"$target"/crash-* >/dev/null 2>&1; then
    echo "fuzz $target found a crash:"; ls artifacts/"$target"/
    exit 1
  fi
  rm -rf "$work"
done
