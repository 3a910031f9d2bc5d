#!/usr/bin/env bash
# Every surface on the same synthetic cases, in one run: decisions per second and the ratio of
# each surface to native measured in this same run, plus decide against serde_json
# parse-and-serialise of the same case. Surfaces whose tooling is not built are skipped.
#
#   bash scripts/bench.sh [policy]        (BENCH_MS=1000 per measurement by default)
#   JAVA_BENCH_OPTIONS=batch bash scripts/bench.sh    also times Java's decideMany against its loop
#   GO_BENCH_OPTIONS=batch bash scripts/bench.sh      also times Go's DecideMany against its loop
#   BENCH_BATCH_WORKERS=1 ...                         Go's and Java's batches on one engine (unset: one per CPU)
set -euo pipefail
cd "$(dirname "$0")/.."
policy="${1:-cn-microloan}"
out="$(mktemp -d)"
cargo build -q --locked --release -p arrears-cli -p arrears-core --bins --example bench-native
arrears=target/release/arrears
for h in 20 200 2000 10000; do
  n=64; [ "$h" -ge 2000 ] && n=8
  "$arrears" gen --accounts "$n" --seed 1 --history "$h" --buckets uniform > "$out/cases-$h.jsonl"
done

target/release/examples/bench-native "$policy" > "$out/native.json"
# Each surface prints {"surface": ..., "rows": [{"history": N, "decide_per_s": X}, ...]} for the
# case files given to it.
component=target/arrears.component.wasm
if [ -f js/dist/node.js ]; then
  node js/bench/bench.mjs "$policy" "$out" > "$out/node.json" || true
fi
if [ -x examples/rust-host/target/release/rust-host ] && [ -f "$component" ]; then
  examples/rust-host/target/release/rust-host bench "$component" "$policy" "$out" > "$out/wasmtime.json" || true
fi
# The Python host twice: one call per case, and each file in one decide-many call, as a loan
# system re-deciding a portfolio would (wasmtime-py pays a fixed cost on every call).
if [ -f "$component" ] && python3 -c "import wasmtime" 2>/dev/null; then
  python3 examples/python-host/host.py bench "$component" "$policy" "$out" decide > "$out/python-call.json" || true
  python3 examples/python-host/host.py bench "$component" "$policy" "$out" > "$out/python.json" || true
fi

# The plain module's libraries, one call per case: Go on wazero's compiler, Java on Chicory with
# the module compiled to JVM bytecode at build time (it reports its JIT warm-up too). Java runs
# with the JVM's defaults, as a loan system would: no flag a user would have to know about
# (BENCHMARKS.md measures -XX:-DontCompileHugeMethods separately, as a ceiling).
# Go twice too: wazero (the default build), and the native library through purego (a build with
# the arrears_native tag, without cgo).
if command -v go >/dev/null && [ -f bindings/go/arrears.wasm ]; then
  (cd bindings/go && go run ./cmd/bench "$policy" "$out" ${GO_BENCH_OPTIONS:-}) > "$out/go.json" || true
  if [ -f bindings/go/native/linux-x86_64/libarrears_module.so ] && [ "$(uname -s)-$(uname -m)" = Linux-x86_64 ]; then
    (cd bindings/go && CGO_ENABLED=0 ARREARS_RUNTIME=native go run -tags arrears_native ./cmd/bench "$policy" "$out" ${GO_BENCH_OPTIONS:-}) > "$out/go-native.json" || true
  fi
fi
# Java up to three times: Java 17 on Chicory (the default path); Java 17 on the native library
# through JNI (opted into with -Darrears.runtime=native) when the build took the library in; and,
# when scripts/test-java.sh found a Java 22+ JDK and put the native library in the jar, that JDK
# on the native library through the Foreign Function and Memory API, loaded from the jar as a
# user's JVM would.
if [ -f bindings/java/target/classpath.txt ] && [ -f bindings/java/target/test-classes/dev/arrears/Bench.class ]; then
  source scripts/java-homes.sh
  (cd bindings/java && "$jdk17/bin/java" -Darrears.runtime=wasm -cp "target/test-classes:target/classes:$(cat target/classpath.txt)" \
    dev.arrears.Bench "$policy" "$out" ${JAVA_BENCH_OPTIONS:-}) > "$out/java.json" || true
  if [ -n "$(ls bindings/java/target/classes/dev/arrears/native/*/libarrears_module.so 2>/dev/null)" ]; then
    (cd bindings/java && "$jdk17/bin/java" -Darrears.runtime=native -cp "target/test-classes:target/classes:$(cat target/classpath.txt)" \
      dev.arrears.Bench "$policy" "$out" ${JAVA_BENCH_OPTIONS:-}) > "$out/java-jni.json" || true
  fi
  jar="$(ffm_jar)"
  if [ -n "$jar" ]; then
    (cd bindings/java && "$jdk_ffm/bin/java" --enable-native-access=ALL-UNNAMED -Darrears.runtime=native \
      -cp "target/test-classes:target/$(basename "$jar"):$(cat target/classpath.txt)" \
      dev.arrears.Bench "$policy" "$out" ${JAVA_BENCH_OPTIONS:-}) > "$out/java-ffm.json" || true
  fi
fi

python3 - "$out" <<'PY'
import json, os, sys
out = sys.argv[1]
surfaces = []
for name in ["native", "node", "wasmtime", "python-call", "python", "go", "go-native", "java", "java-jni", "java-ffm"]:
    p = os.path.join(out, name + ".json")
    if os.path.exists(p) and os.path.getsize(p) > 0:
        try:
            surfaces.append(json.load(open(p)))
        except ValueError:
            pass
native = {r["history"]: r for r in surfaces[0]["rows"]}
print("| surface | history | decisions/s | ratio to native |")
print("|---|---:|---:|---:|")
for s in surfaces:
    for r in s["rows"]:
        base = native[r["history"]]["decide_per_s"]
        print(f"| {s['surface']} | {r['history']} | {r['decide_per_s']:,.0f} | {r['decide_per_s'] / base:.2f} |")
many = [(s, r) for s in surfaces for r in s["rows"] if "decide_many_per_s" in r]
if many:
    print()
    # Go's and Java's batches spread over several engines: the CPU time per case says what the
    # batch costs, beside how soon it is done.
    print("| surface | history | decide, one call per case /s | decideMany /s | decideMany / loop | median of the turns' ratios | workers | CPU per case, decideMany / loop |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for s, r in many:
        turns = f"{r['decide_many_turn_ratio']:.3f}" if "decide_many_turn_ratio" in r else ""
        cpu = f"{r['decide_many_cpu_ratio']:.2f}" if "decide_many_cpu_ratio" in r else ""
        print(f"| {s['surface']} | {r['history']} | {r['decide_per_s']:,.0f} | {r['decide_many_per_s']:,.0f} | {r['decide_many_per_s'] / r['decide_per_s']:.2f} | {turns} | {r.get('batch_workers', 1)} | {cpu} |")
print()
print("| history | native decide/s | serde_json parse+serialise/s | decide cost / JSON cost |")
print("|---:|---:|---:|---:|")
for h, r in sorted(native.items()):
    print(f"| {h} | {r['decide_per_s']:,.0f} | {r['json_roundtrip_per_s']:,.0f} | {r['json_roundtrip_per_s'] / r['decide_per_s']:.2f} |")
for s in surfaces:
    if "warmup" in s:
        w = s["warmup"]
        print(f"\n{s['surface']} warm-up: engine {w['engine_ms']:.0f} ms, first call {w['first_call_ms']:.1f} ms, "
              f"first 100 calls at {w['first_block_per_s']:,}/s; 90% of the steady rate "
              f"{'after ' + format(w['calls_to_90pct'], ',') + ' calls' if w['reached'] else 'not reached within the warm-up budget'}")
for s in surfaces:
    if "new_ms" in s:
        print(f"\n{s['surface']} engine creation: first New {s['new_ms']['first']:,.1f} ms, a second {s['new_ms']['second']:,.1f} ms")
for s in surfaces:
    for r in s["rows"]:
        if r.get("refused"):
            print(f"\n{s['surface']} at {r['history']} events: {r['refused']} of the cases are refused "
                  f"(the work budget, docs/errors.md); that row times the refusals, on every surface alike")
twenty, tenk = native[20]["decide_per_s"], native[10000]["decide_per_s"]
print(f"\ncost of 10,000 events / cost of 20: {twenty / tenk:.0f}x")
PY
