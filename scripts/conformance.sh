#!/usr/bin/env bash
# The conformance corpus on every surface that is built here, and one table: surface × cases ×
# identical bytes × claims checked. Each surface's runner only writes its outputs (JSON Lines of
# {"surface", "case", "output"}); one checker, `arrears corpus check`, holds every surface's
# outputs to the expected bytes, the digests and the claims. Exits non-zero if any surface differs
# from the expected bytes, fails a claim or a digest, has fewer claims checked than another, or if
# fewer surfaces answered than ARREARS_SURFACES (default 1; CI asks for every surface, so one that
# fails to start cannot drop silently out of the table). Then every surface runs a scratch copy of
# one case whose first claim is false, and the checker must report exactly that claim for each: a
# surface whose outputs stopped reaching the checker fails here.
#   bash scripts/conformance.sh
set -uo pipefail
cd "$(dirname "$0")/.."
corpus=tests/conformance
component=target/arrears.component.wasm
results="$(mktemp)"
falsified="$(mktemp -d)"
negative="$(mktemp)"
outputs="$(mktemp)"
trap 'rm -rf "$results" "$falsified" "$negative" "$outputs"' EXIT

# The checker, and the command the HTTP service's runner starts.
cargo build -q --locked --release -p arrears-cli || exit 1
checker=target/release/arrears

# Every built surface on corpus $1, its outputs checked, one summary line per surface into $2.
surfaces() {
  local dir="$1" out="$2"
  : > "$outputs"
  run() { "$@" >> "$outputs" 2>/dev/null || true; }
  run cargo run -q --locked --release -p arrears-core --example corpus -- "$dir"
  # The HTTP service: the corpus through POST /v1/decide-many (and /v1/plan), beside `arrears batch`.
  run python3 bindings/cli/serve_corpus_report.py "$dir" --bin="$checker"
  if [ -f js/test/corpus-report.mjs ] && [ -d js/dist ]; then run node js/test/corpus-report.mjs "$dir"; fi
  if [ -f js/test/browser-report.mjs ] && [ -x /usr/bin/chromium ] && [ -d js/dist ]; then run node js/test/browser-report.mjs "$dir"; fi
  # The plain module's libraries: Go (wazero, and the native library through purego in a build
  # with the arrears_native tag, two surfaces) and Java (Chicory on Java 17, the native library
  # through JNI on Java 17 and through FFM on Java 22+, three surfaces), once their scripts have
  # built them.
  if command -v go >/dev/null && [ -f bindings/go/arrears.wasm ]; then
    local abs; abs="$(cd "$dir" && pwd)"
    run bash -c "cd bindings/go && go run ./cmd/corpus-report '$abs'"
    if [ -f bindings/go/native/linux-x86_64/libarrears_module.so ] && [ "$(uname -s)-$(uname -m)" = Linux-x86_64 ]; then
      run bash -c "cd bindings/go && CGO_ENABLED=0 ARREARS_RUNTIME=native go run -tags arrears_native ./cmd/corpus-report '$abs'"
    fi
  fi
  if [ -f bindings/java/target/classpath.txt ] && [ -d bindings/java/target/test-classes ]; then
    run bash scripts/java-corpus-report.sh "$dir"
  fi
  if [ -f "$component" ]; then
    [ -x examples/rust-host/target/release/rust-host ] && run examples/rust-host/target/release/rust-host corpus "$component" "$dir"
    python3 -c "import wasmtime" 2>/dev/null && run python3 examples/python-host/host.py corpus "$component" "$dir"
    python3 -c "import arrears" 2>/dev/null && run python3 bindings/python/corpus_report.py "$dir"
    python3 -c "import arrears.spark, pyspark" 2>/dev/null && java -version 2>/dev/null && run python3 bindings/python/spark_corpus_report.py "$dir"
    [ -f examples/js-host/generated/arrears.js ] && run node examples/js-host/corpus.mjs "$dir"
  fi
  "$checker" corpus check "$dir" "$outputs" > "$out" || true
}

surfaces "$corpus" "$results"

# The scratch corpus: the first case, the policy files and digests, and one claim made false.
python3 - "$corpus" "$falsified" <<'PY'
import json, pathlib, shutil, sys
src, dst = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
first = sorted(p for p in (src / "cases").iterdir() if p.is_dir())[0]
shutil.copytree(first, dst / "cases" / first.name)
shutil.copytree(src / "policies", dst / "policies")
shutil.copy(src / "digests.json", dst / "digests.json")
meta = json.loads((first / "meta.json").read_text())
claim = meta["expect"][0]
claim[next(k for k in ("is", "has", "lacks") if k in claim)] = "a value no decision holds"
(dst / "cases" / first.name / "meta.json").write_text(json.dumps(meta))
PY
surfaces "$falsified" "$negative"

python3 - "$results" "${ARREARS_SURFACES:-1}" "$negative" <<'PY'
import json, sys
want = int(sys.argv[2])
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip().startswith("{")]
native = max((r.get("claims", 0) for r in rows), default=0)
print(f"{'surface':<34} {'cases':>6} {'identical bytes':>16} {'claims':>7}")
bad = 0
for r in rows:
    failed = r.get("failed_claims", [])
    ok = r["identical"] == r["cases"] and not r["differ"] and not failed and r.get("claims", 0) == native
    bad += not ok
    why = ", ".join(r["differ"][:5]) + ("; " if r["differ"] and failed else "") + "; ".join(failed[:3])
    if not why and r.get("claims", 0) != native:
        why = f"checked {r.get('claims', 0)} claims of {native}"
    print(f"{r['surface']:<34} {r['cases']:>6} {r['identical']:>16} {r.get('claims', 0):>7}  {'' if ok else 'FAILS: ' + why}")
missing = max(0, want - len(rows))
if missing:
    print(f"only {len(rows)} surfaces answered; {want} were expected")
neg = {json.loads(l)["surface"]: json.loads(l) for l in open(sys.argv[3]) if l.strip().startswith("{")}
for r in rows:
    n = neg.get(r["surface"])
    caught = n is not None and not n["differ"] and len(n.get("failed_claims", [])) == 1
    if not caught:
        bad += 1
        print(f"{r['surface']}: a corpus with one false claim was not reported as exactly one failed claim: {n}")
if rows and bad == 0:
    print(f"a false claim: reported by all {len(rows)} surfaces")
print(f"\nconformance: {len(rows) - min(bad, len(rows))} passed, {bad + missing} failed")
sys.exit(1 if bad or missing or not rows else 0)
PY
