"""A nightly portfolio re-decision on Apache Spark.

Reads cases (JSON Lines, one case per line, as `arrears gen` writes them; or Parquet with the case's
fields as columns), decides every account under one policy on the executors, writes the decisions
as Parquet partitioned by stage, and prints the figures of `arrears report`, computed in Spark from
what was written: one table per currency (amounts of different currencies are never added up, and
neither are their accounts), and how many decisions were made for accounts outside the policy's
market (the `market_mismatch` warning, in the `warnings` column of each row). A case the engine
rejects is a row with its `account_id` (as the input names it), `error_code`, `error_path` and
`error_message`.

    python3 examples/spark/portfolio.py --input cases.jsonl --output decisions [--policy cn-microloan]
                                        [--master local[2]]
    python3 examples/spark/portfolio.py --to-parquet cases.jsonl cases.parquet   # the same cases as
                                                                                # Parquet columns
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any, Dict, Tuple

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from arrears.spark import CASE_FIELDS, decide, report


def read_cases(spark: SparkSession, path: str, fmt: str = "auto") -> Tuple[DataFrame, Dict[str, Any]]:
    """The cases, and how to hand them to `decide`: JSON Lines as one text column (the bytes of
    each line, untouched), Parquet as the case's columns."""
    if fmt == "auto":
        fmt = "parquet" if path.rstrip("/").endswith(".parquet") else "jsonl"
    if fmt == "parquet":
        return spark.read.parquet(path), {}
    return spark.read.text(path), {"column": "value"}


def run(spark: SparkSession, policy: str, source: str, output: str, fmt: str = "auto") -> Dict[str, Any]:
    cases, how = read_cases(spark, source, fmt)
    decided = decide(cases, policy, **how)
    # The case itself stays in the source; the decision carries the account id.
    inputs = [c for c in cases.columns if c == how.get("column") or c in CASE_FIELDS]
    start = time.perf_counter()
    decided.drop(*inputs).write.mode("overwrite").partitionBy("stage").parquet(output)
    decide_s = time.perf_counter() - start
    # The report reads back what was written: deciding again would double the work.
    written = spark.read.parquet(output)
    start = time.perf_counter()
    figures = report(written)
    currencies = sorted(
        r[0] for r in written.where(F.col("currency").isNotNull()).select("currency").distinct().collect()
    )
    by_currency = {c: report(written.where(F.col("currency") == c)) for c in currencies}
    outside_market = written.where(F.array_contains(F.col("warnings"), "market_mismatch")).count()
    report_s = time.perf_counter() - start
    return {
        "written": written.count(),
        "report": figures,
        "by_currency": by_currency,
        "outside_market": outside_market,
        "decide_s": decide_s,
        "report_s": report_s,
    }


_BUCKETS = ("current", "1-30", "31-60", "61-90", "91-180", "181-360", "360+")


# The digits of each currency's minor unit, as `arrears report` shows money (ISO 4217; whole rupiah).
_EXPONENTS = {"AUD": 2, "BHD": 3, "BRL": 2, "CAD": 2, "CHF": 2, "CLP": 0, "CNY": 2, "EUR": 2, "GBP": 2,
              "HKD": 2, "IDR": 0, "INR": 2, "JOD": 3, "JPY": 0, "KRW": 0, "KWD": 3, "MXN": 2, "MYR": 2,
              "PHP": 2, "SGD": 2, "THB": 2, "TWD": 2, "USD": 2, "VND": 0}


def money(minor: int, currency: str) -> str:
    """``123456`` CNY as ``CNY 1,234.56``; an unknown currency keeps its minor units and says so."""
    sign = "-" if minor < 0 else ""
    exp = _EXPONENTS.get(currency)
    if exp is None:
        return f"{currency} {sign}{abs(minor):,} (minor units)"
    whole, part = divmod(abs(minor), 10**exp)
    return f"{currency} {sign}{whole:,}" + (f".{part:0{exp}d}" if exp else "")


def render(r: Dict[str, Any]) -> str:
    """The report as `arrears report` prints it for decisions without case summaries."""
    lines = [f"{r['accounts']} accounts decided, {r['errors']} error lines", ""]
    lines.append(f"{'DPD':<10} {'accounts':>10} {'share':>7}  overdue")
    for name in _BUCKETS:
        b = r["by_days_past_due"][name]
        share = b.get("share") or "-"
        amounts = [money(a, c) for c, a in b["overdue"].items()] or ["-"]
        lines.append(f"{name:<10} {b['accounts']:>10} {share:>7}  {amounts[0]}")
        lines += [f"{'':<10} {'':>10} {'':>7}  {a}" for a in amounts[1:]]
    lines += ["", "by stage"]
    lines += [f"  {k:<20} {v:>10}" for k, v in r["by_stage"].items()]
    lines += ["", "escalations due"]
    if not r["escalations_due"]:
        lines.append("  none")
    lines += [f"  to {k:<17} {v:>10}" for k, v in r["escalations_due"].items()]
    lines += ["", f"actions allowed now ({r['accounts_with_an_action_now']} accounts have at least one)"]
    lines += [f"  {k:<20} {v:>10}" for k, v in r["allowed_now_by_action"].items()]
    lines += ["", "time to first contact and complaints: the lines carry no case summary "
              "(run batch with --with-case-summary)"]
    return "\n".join(lines).rstrip()


def render_by_currency(out: Dict[str, Any], policy: str) -> str:
    """The printed report: the whole book's counts, the decisions made outside the policy's market,
    then `arrears report`'s table for each currency on its own."""
    r = out["report"]
    lines = [f"{r['accounts']} accounts decided, {r['errors']} error lines (error_code, error_path, "
             f"error_message and account_id in their rows)"]
    if out["outside_market"]:
        lines.append(f"{out['outside_market']} decided outside the market of {policy} (warning market_mismatch: "
                     f"its rules were not written for such accounts)")
    for currency, figures in out["by_currency"].items():
        lines += ["", f"== {currency}", render(figures)]
    return "\n".join(lines)


def session(master: str) -> SparkSession:
    spark = (
        SparkSession.builder.master(master)
        .appName("arrears-portfolio")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.pyspark.python", sys.executable)
        .config("spark.pyspark.driver.python", sys.executable)
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", help="cases: a JSON Lines file (or folder), or a Parquet folder ending in .parquet")
    ap.add_argument("--output", help="folder for the decisions, Parquet partitioned by stage (replaced)")
    ap.add_argument("--policy", default="cn-microloan", help="a built-in pack id or a policy document file")
    ap.add_argument("--format", choices=["auto", "jsonl", "parquet"], default="auto")
    ap.add_argument("--master", default="local[*]", help="Spark master (default: local mode on every core)")
    ap.add_argument("--json", action="store_true", help="print the report as JSON, like `arrears report --json`")
    ap.add_argument("--to-parquet", nargs=2, metavar=("JSONL", "PARQUET"), help="only convert cases to Parquet")
    args = ap.parse_args()

    spark = session(args.master)
    try:
        if args.to_parquet:
            src, dst = args.to_parquet
            spark.read.json(src).write.mode("overwrite").parquet(dst)
            print(f"wrote {spark.read.parquet(dst).count()} cases to {dst}")
            return
        if not args.input or not args.output:
            ap.error("--input and --output are required")
        policy = args.policy
        if policy.endswith(".json"):
            with open(policy, encoding="utf-8") as f:
                policy = f.read()
        out = run(spark, policy, args.input, args.output, args.format)
    finally:
        spark.stop()
    rate = out["written"] / out["decide_s"] if out["decide_s"] else 0.0
    print(
        f"wrote {out['written']} decisions to {args.output} (partitioned by stage) in {out['decide_s']:.1f} s,"
        f" {rate:,.0f} decisions/s; report in {out['report_s']:.1f} s\n"
    )
    name = args.policy if not args.policy.endswith(".json") else "the policy"
    print(json.dumps(out["report"]) if args.json else render_by_currency(out, name))


if __name__ == "__main__":
    main()
