#!/usr/bin/env bash
# The portfolio job in local mode on a generated portfolio: installs what Spark needs
# (scripts/install-spark.sh), generates ACCOUNTS accounts in the market of POLICY with
# `arrears gen --policy` (a book of another market would be decided under rules not written for
# it, each row carrying the market_mismatch warning), decides them on
# every core, writes the decisions as Parquet partitioned by stage and prints the report.
#   bash examples/spark/run.sh [ACCOUNTS] [POLICY]        (100000 cn-microloan by default)
set -euo pipefail
cd "$(dirname "$0")/../.."
accounts="${1:-100000}"
policy="${2:-cn-microloan}"
bash scripts/install-spark.sh
cargo build -q -p arrears-cli
mkdir -p target/spark
target/debug/arrears gen --accounts "$accounts" --seed 7 --policy "$policy" > target/spark/cases.jsonl
start=$(date +%s)
python3 examples/spark/portfolio.py --policy "$policy" --input target/spark/cases.jsonl \
  --output target/spark/decisions --master 'local[*]'
echo "job: $(( $(date +%s) - start )) s, Spark's start included"
