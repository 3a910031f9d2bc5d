"""Decisions per second through Spark on one file of cases, for docs/scale.md (scripts/bench-spark.sh
runs it beside `arrears batch` on the same cases).

    python3 examples/spark/bench.py CASES.jsonl --master local[2] [--policy cn-microloan]

Each variant reads the JSON Lines, decides every case and runs the plan to Spark's no-op sink, so
the time is reading, moving the cases to the Python workers and back, deciding, and (for the
variants with keys) reading the key columns out of the decisions; nothing is written. Variants:
  arrow          arrears.spark.decide as shipped: mapInArrow, key columns read in the JVM
  arrow-no-keys  the same without the key columns: what reading them costs
  pandas         mapInPandas instead of mapInArrow, key columns read in the JVM
A warm-up job first starts the Python workers and builds their engines. Prints one JSON line per
variant, with the peak resident memory of the JVM and of each Python worker while it ran.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from typing import Dict, List

from pyspark.sql import SparkSession
from pyspark.sql.types import StringType, StructField, StructType

from arrears import spark as aspark


def decide_pandas(cases, policy: str, column: str):
    """What arrears.spark.decide would be on mapInPandas."""

    def run(frames):
        for frame in frames:
            frame["decision"] = aspark._decide_texts(policy, frame[column].tolist())
            yield frame

    schema = StructType(cases.schema.fields + [StructField("decision", StringType(), True)])
    return aspark._with_keys(cases.mapInPandas(run, schema), cases.columns)


def decide_arrow_no_keys(cases, policy: str, column: str):
    schema = StructType(cases.schema.fields + [StructField("decision", StringType(), True)])
    return cases.mapInArrow(aspark._decide_batches(policy, column, "decision"), schema)


VARIANTS = {
    "arrow": lambda df, policy: aspark.decide(df, policy, column="value"),
    "arrow-no-keys": lambda df, policy: decide_arrow_no_keys(df, policy, "value"),
    "pandas": lambda df, policy: decide_pandas(df, policy, "value"),
}


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _descendants(root: int) -> List[int]:
    parents: Dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                pass
    found, frontier = [], [root]
    while frontier:
        p = frontier.pop()
        kids = [c for c, pp in parents.items() if pp == p]
        found += kids
        frontier += kids
    return found


class Memory:
    """Peak resident memory of the JVM and of each Python process under it, sampled every 100 ms."""

    def __init__(self, jvm_pid: int) -> None:
        self.jvm_pid, self.jvm_kb, self.python_kb = jvm_pid, 0, {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self.jvm_kb = max(self.jvm_kb, _rss_kb(self.jvm_pid))
            for pid in _descendants(self.jvm_pid):
                self.python_kb[pid] = max(self.python_kb.get(pid, 0), _rss_kb(pid))

    def __enter__(self) -> "Memory":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("cases")
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--policy", default="cn-microloan")
    ap.add_argument("--variants", default="arrow,arrow-no-keys,pandas")
    args = ap.parse_args()

    spark = (
        SparkSession.builder.master(args.master)
        .appName("arrears-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.pyspark.python", sys.executable)
        .config("spark.pyspark.driver.python", sys.executable)
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    cores = spark.sparkContext.defaultParallelism
    jvm = spark.sparkContext._gateway.proc.pid
    cases = spark.read.text(args.cases)
    n = cases.count()
    # Warm-up: start the workers and build their engines on a slice of the cases.
    warm = spark.createDataFrame(cases.limit(4 * cores).collect()).repartition(cores)
    for variant in args.variants.split(","):
        VARIANTS[variant](warm, args.policy).write.format("noop").mode("overwrite").save()
    for variant in args.variants.split(","):
        decided = VARIANTS[variant](cases, args.policy)
        with Memory(jvm) as mem:
            start = time.perf_counter()
            decided.write.format("noop").mode("overwrite").save()
            seconds = time.perf_counter() - start
        workers = sorted(mem.python_kb.values(), reverse=True)
        print(
            json.dumps(
                {
                    "variant": variant,
                    "master": args.master,
                    "cores": cores,
                    "cases": n,
                    "seconds": round(seconds, 2),
                    "decisions_per_s": round(n / seconds),
                    "per_core": round(n / seconds / cores),
                    "jvm_rss_mb": round(mem.jvm_kb / 1024),
                    "python_rss_mb": [round(kb / 1024) for kb in workers[: cores + 1]],
                }
            ),
            flush=True,
        )
    spark.stop()


if __name__ == "__main__":
    main()
