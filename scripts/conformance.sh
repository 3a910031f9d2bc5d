#!/usr/bin/env bash
# The conformance corpus on every surface that is built here, and one table: surface × cases ×
# identical bytes. Exits non-zero if any surface differs from the expected bytes, or if fewer
# surfaces answered than ARREARS_SURFACES (default 1; CI asks for all seven, so a surface that
# fails to start cannot drop silently out of the table).
#   bash scripts/conformance.sh
set -uo pipefail
cd "$(dirname "$0")/.."
corpus=tests/conformance
component=target/arrears.component.wasm
results="$(mktemp)"
run() { "$@" >> "$results" 2>/dev/null || true; }

run cargo run -q --release -p arrears-core --example corpus -- "$corpus"
if [ -f js/test/corpus-report.mjs ] && [ -d js/dist ]; then run node js/test/corpus-report.mjs; fi
if [ -f js/test/browser-report.mjs ] && [ -x /usr/bin/chromium ] && [ -d js/dist ]; then run node js/test/browser-report.mjs; fi
if [ -f "$component" ]; then
  [ -x examples/rust-host/target/release/rust-host ] && run examples/rust-host/target/release/rust-host corpus "$component" "$corpus"
  python3 -c "import wasmtime" 2>/dev/null && run python3 examples/python-host/host.py corpus "$component" "$corpus"
  python3 -c "import arrears" 2>/dev/null && run python3 bindings/python/corpus_report.py "$corpus"
  python3 -c "import arrears.spark" 2>/dev/null && java -version 2>/dev/null && run python3 bindings/python/spark_corpus_report.py "$corpus"
  [ -f examples/js-host/generated/arrears.js ] && run node examples/js-host/corpus.mjs "$corpus"
fi

python3 - "$results" "${ARREARS_SURFACES:-1}" <<'PY'
import json, sys
want = int(sys.argv[2])
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip().startswith("{")]
print(f"{'surface':<34} {'cases':>6} {'identical bytes':>16}")
bad = 0
for r in rows:
    ok = r["identical"] == r["cases"] and not r["differ"]
    bad += not ok
    print(f"{r['surface']:<34} {r['cases']:>6} {r['identical']:>16}  {'' if ok else 'DIFFERS: ' + ', '.join(r['differ'][:5])}")
missing = max(0, want - len(rows))
if missing:
    print(f"only {len(rows)} surfaces answered; {want} were expected")
print(f"\nconformance: {len(rows) - bad} passed, {bad + missing} failed")
sys.exit(1 if bad or missing or not rows else 0)
PY
