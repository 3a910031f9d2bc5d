#!/usr/bin/env bash
# docs/scale.md's figures from one run: `arrears batch` and arrears.spark on the same generated
# cases, on one core and on every core of this machine, with the Spark variants of
# examples/spark/bench.py (mapInArrow as shipped, without key columns, mapInPandas) and the peak
# memory of the JVM and of each Python worker.
#   bash scripts/bench-spark.sh [ACCOUNTS] [POLICY]        (100000 cn-microloan by default)
set -euo pipefail
cd "$(dirname "$0")/.."
accounts="${1:-100000}"
policy="${2:-cn-microloan}"
cores="$(nproc)"
bash scripts/install-spark.sh
cargo build -q --locked --release -p arrears-cli
mkdir -p target/spark
cases=target/spark/bench-cases.jsonl
target/release/arrears gen --accounts "$accounts" --seed 7 > "$cases"
echo "cases: $accounts accounts, $(wc -c < "$cases") bytes"
python3 - "$policy" "$cases" "$accounts" 1 "$cores" <<'PY'
import json, subprocess, sys, time
policy, cases, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
for jobs in sys.argv[4:]:
    start = time.perf_counter()
    subprocess.run(["target/release/arrears", "batch", "--policy", policy, "--jobs", jobs, cases, "-o", "/dev/null"],
                   check=True, stderr=subprocess.DEVNULL)
    s = time.perf_counter() - start
    print(json.dumps({"variant": "arrears batch", "cores": int(jobs), "cases": n, "seconds": round(s, 2),
                      "decisions_per_s": round(n / s), "per_core": round(n / s / int(jobs))}))
PY
for master in "local[1]" "local[$cores]"; do
  python3 examples/spark/bench.py "$cases" --master "$master" --policy "$policy" 2>/dev/null
done
