#!/usr/bin/env bash
# Runs each fuzz target (or those named after the seconds) for a given number of seconds
# (default 60) and reports executions. The seed corpora are the conformance cases, the policy
# documents and, for the plan, the cases behind a byte that picks the horizon. Every kind of find
# libFuzzer writes to fuzz/artifacts/<target>/ (crash-, oom-, timeout-, leak-) fails the run, and
# so does the fuzzer's own failing exit; a find left from an earlier run fails it before anything
# is built, so that no find is forgotten.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(decide policy plan)

finds() {
  ls artifacts/"$1"/ 2>/dev/null | grep -E '^(crash|oom|timeout|leak)-' || true
}
for target in "${targets[@]}"; do
  found=$(finds "$target")
  if [ -n "$found" ]; then
    echo "fuzz $target has finds in fuzz/artifacts/$target/ (look at them, fix the cause, then delete them):" >&2
    echo "$found" >&2
    exit 1
  fi
done

if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --version 0.13.2 --locked
fi
# cargo-fuzz passes unstable compiler flags; the project builds with the stable toolchain.
export RUSTC_BOOTSTRAP=1
for target in "${targets[@]}"; do
  work="$(mktemp -d)"
  cp corpus/"$target"/* "$work"/
  echo "== fuzz $target for ${seconds}s"
  set +e
  cargo fuzz run --sanitizer none "$target" "$work" -- -max_total_time="$seconds" -max_len=65536 -print_final_stats=1 >"$work.log" 2>&1
  status=$?
  set -e
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb|Done|ERROR|panicked|SUMMARY" "$work.log" || true
  rm -rf "$work"
  found=$(finds "$target")
  if [ "$status" -ne 0 ] || [ -n "$found" ]; then
    echo "fuzz $target failed (exit $status); finds in fuzz/artifacts/$target/:" >&2
    echo "${found:-none}" >&2
    tail -20 "$work.log" >&2
    rm -f "$work.log"
    exit 1
  fi
  rm -f "$work.log"
done
