#!/usr/bin/env bash
# Runs every test of the project on a fresh machine: installs what each surface needs (pinned
# versions), then the Rust suites (unit, corpus, properties), the WebAssembly package in Node and
# Chromium, and the WASI component in its hosts. Each surface script is idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== rust: fmt, clippy, tests"
rustup component add rustfmt clippy >/dev/null 2>&1 || true
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --features arrears-core/schema -- -D warnings
# The component crate exports names a native linker cannot take; it is built and tested for
# WebAssembly by scripts/test-wasi.sh.
cargo test --workspace --exclude arrears-wasi --features arrears-core/schema

echo "== the plan against a decision at every minute (optimised build: two million decisions)"
cargo test --release -p arrears-core --test plan_oracle

echo "== docs: the cookbook is what the corpus gives"
python3 scripts/cookbook.py --check

echo "== fuzz: each target for 60 seconds"
bash scripts/fuzz.sh 60

# Java, Go and Spark run before test-wasi.sh, whose closing conformance table then counts them too.
for surface in scripts/test-wasm.sh scripts/test-java.sh scripts/test-go.sh scripts/test-spark.sh scripts/test-wasi.sh scripts/new-user.sh; do
  if [ -f "$surface" ]; then
    echo "== $surface"
    bash "$surface"
  fi
done

# Every artifact a release publishes, from what the suites above already built (the npm build,
# the component, the jar, the module), then each installed as docs/install.md says into an empty
# project without cargo or rustc on PATH, deciding the README's sample case.
echo "== release artifacts into dist/, and the install checks"
start=$(date +%s)
bash scripts/package.sh
echo "package.sh: $(( $(date +%s) - start )) s"
python3 scripts/install-check.py

# The HTML report in the Chromium scripts/test-wasm.sh installed: its figures against --json.
echo "== report page in Chromium"
ARREARS_BROWSER_TESTS=1 cargo test -p arrears-cli --features arrears-core/schema --test html_report

echo "== the suite left the tracked files as they were"
dirty=$(git status --porcelain)
if [ -n "$dirty" ]; then
  echo "the tests changed or left files in the checkout (tests must not):" >&2
  echo "$dirty" >&2
  exit 1
fi
