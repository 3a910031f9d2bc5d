#!/usr/bin/env bash
# What engine creation costs in a fresh JVM, on both runtimes of the Java library, each figure the
# median (and range) of RUNS fresh JVMs (BENCHMARKS.md, "Warm-up: engine creation"):
#
#   bash scripts/java-warmup.sh [POLICY] [RUNS]      # cn-microloan, 7 runs
#
# Needs the library built (scripts/test-java.sh, or `mvn package` with the native library from
# scripts/build-native-lib.sh). Runs from the jar, as a user's application would:
#   - the library: Engine.of twice and a first decision (dev.arrears.Warmup), Java 17 on Chicory,
#     Java 17 on the native library through JNI (-Darrears.runtime=native) and, with a Java 22+
#     JDK, on the native library through FFM;
#   - Chicory's steps (Warmup ... steps): the module's metadata parsed, an instance, the exports,
#     arrears_engine_new in cold bytecode;
#   - FFM's steps with the JDK's API alone (scripts/java-warmup/FfmSteps.java): the linker, the
#     library taken out of the jar, dlopen, each downcall handle, arrears_engine_new; with every
#     handle made up front, and with only those creation calls.
# The load average is printed before and after: the machine may be shared.
set -euo pipefail
cd "$(dirname "$0")/.."
policy="${1:-cn-microloan}"
runs="${2:-7}"
source scripts/java-homes.sh
jar="$(built_jar)"
if [ -z "$jar" ] || [ ! -f bindings/java/target/test-classes/dev/arrears/Warmup.class ]; then
  echo "java-warmup: build the Java library first (scripts/test-java.sh)" >&2
  exit 1
fi
cp="$jar:bindings/java/target/test-classes:$(cat bindings/java/target/classpath.txt)"
# The first case by name (a glob, not `ls | head`: under pipefail, head closing the pipe early
# would end the script with SIGPIPE).
cases=(tests/conformance/cases/*)
case_file="${cases[0]}/case.json"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

run() { # NAME COMMAND...: RUNS fresh JVMs, one JSON line each, into $out/NAME.jsonl
  local name="$1"
  shift
  for _ in $(seq "$runs"); do "$@" >> "$out/$name.jsonl"; done
}
run chicory "$jdk17/bin/java" -Darrears.runtime=wasm -cp "$cp" dev.arrears.Warmup "$policy" "$case_file"
run chicory-steps "$jdk17/bin/java" -cp "$cp" dev.arrears.Warmup "$policy" steps
# Java 17 on the native library through JNI (opted into), when the jar carries the library.
if "$jdk17/bin/jar" tf "$jar" | grep 'dev/arrears/native/.*/libarrears_module.so$' > /dev/null; then
  run jni "$jdk17/bin/java" -Darrears.runtime=native -cp "$cp" dev.arrears.Warmup "$policy" "$case_file"
fi
if [ -n "$(ffm_jar)" ]; then
  run ffm "$jdk_ffm/bin/java" --enable-native-access=ALL-UNNAMED -Darrears.runtime=native -cp "$cp" dev.arrears.Warmup "$policy" "$case_file"
  "$jdk_ffm/bin/javac" -d "$out/steps" scripts/java-warmup/FfmSteps.java
  run ffm-steps-all "$jdk_ffm/bin/java" --enable-native-access=ALL-UNNAMED -cp "$out/steps" FfmSteps "$jar" "$policy" all
  run ffm-steps-creation "$jdk_ffm/bin/java" --enable-native-access=ALL-UNNAMED -cp "$out/steps" FfmSteps "$jar" "$policy" creation
else
  echo "java-warmup: no Java 22+ JDK, or the jar holds no native path: Chicory only"
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$out" <<'PY'
import glob, json, os, statistics, sys
for path in sorted(glob.glob(sys.argv[1] + "/*.jsonl")):
    rows = [json.loads(line) for line in open(path)]
    name = os.path.basename(path)[: -len(".jsonl")]
    print(f"{name} (java {rows[0]['java']}, {len(rows)} fresh JVMs): median [min-max] ms")
    for key, value in rows[0].items():
        if key.endswith("_ms") and isinstance(value, (int, float)):
            xs = [r[key] for r in rows]
            print(f"  {key:<18} {statistics.median(xs):8.1f}  [{min(xs):.1f}-{max(xs):.1f}]")
    if "each_handle_ms" in rows[0]:
        columns = list(zip(*[r["each_handle_ms"] for r in rows]))
        print("  each handle        " + ", ".join(f"{statistics.median(c):.1f}" for c in columns))
PY
