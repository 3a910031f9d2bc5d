#!/usr/bin/env bash
# arrears on Apache Spark, in local mode on two cores: installs what it needs (scripts/install-spark.sh),
# then the Spark suite (the conformance corpus byte for byte, errors as rows, empty and one-row
# partitions, the report against `arrears report`, the portfolio job) and the corpus summary line
# (the runner's outputs through `arrears corpus check`).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
bash scripts/install-spark.sh
# The native command is the reference the suite holds Spark's decisions and report to.
cargo build -q --locked -p arrears-cli
echo "install and build: $(( $(date +%s) - start )) s"
python3 -m pytest -q bindings/python/spark_tests
python3 bindings/python/spark_corpus_report.py tests/conformance | target/debug/arrears corpus check tests/conformance
echo "test-spark: $(( $(date +%s) - start )) s"
