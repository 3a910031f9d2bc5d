"""The conformance corpus through Apache Spark (`arrears.spark.decide`, and `arrears.spark.plan` for
a case whose meta.json holds "plan_days"; local mode): each case's output, one JSON line each, for
`arrears corpus check` (scripts/conformance.sh), which checks every surface's outputs the same way.
The Spark test suite compares the same outputs, case by case.

    python3 bindings/python/spark_corpus_report.py [tests/conformance]
"""

import json
import pathlib
import re
import sys

# A corpus may store "@digest" in place of the policy's digest, so that a policy edit rewrites
# one digest file and not every expected output; the output's digest is then masked the same way.
_DIGEST = re.compile(r'"digest":"sha256:[0-9a-f]{64}"')
_MASKED = '"digest":"@digest"'


def expected_text(case_dir: pathlib.Path) -> str:
    """The case's expected output, its two expected files joined (docs/conformance.md)."""
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "tests" / "conformance"))
    from expected import read_expected

    text = (read_expected(case_dir) or b"").decode()
    return text[:-1] if text.endswith("\n") else text


def comparable(got: str, expected: str) -> str:
    """``got`` as the corpus stores it: with the digest masked when the expected bytes mask it."""
    return _DIGEST.sub(_MASKED, got) if _MASKED in expected else got


def corpus_cases(root: pathlib.Path):
    """(index, name, policy, case text, plan days or None) for every corpus case, in name order."""
    dirs = sorted(d for d in (root / "cases").iterdir() if d.is_dir())
    out = []
    for i, d in enumerate(dirs):
        meta = json.loads((d / "meta.json").read_text())
        policy = meta["policy"]
        if policy.endswith(".json"):
            policy = (root / policy).read_text()
        out.append((i, d.name, policy, (d / "case.json").read_bytes().decode(), meta.get("plan_days")))
    return out


def decide_corpus(spark, root: pathlib.Path, partitions: int = 2):
    """Every corpus case through Spark, one DataFrame per policy (and per plan horizon), unioned
    and sorted back into input order: a list of rows with ``idx``, ``name``, ``decision`` (the
    output text: the decision, or for a plan case the plan) and the key columns ``decide`` or
    ``plan`` adds (the others null)."""
    from pyspark.sql import functions as F

    import arrears
    from arrears.spark import decide, plan

    cases = corpus_cases(root)
    decided = None
    for policy, days in dict.fromkeys((c[2], c[4]) for c in cases):
        rows = [(i, name, text) for i, name, p, text, d in cases if p == policy and d == days]
        df = spark.createDataFrame(rows, "idx int, name string, case string").repartition(partitions)
        # A policy the engine refuses is part of the corpus: its error object is every row's output.
        if days is None:
            one = decide(df, policy, column="case", check_policy=False)
        else:
            try:
                one = plan(df, policy, days, column="case", check_policy=False)
            except arrears.InvalidInput as e:
                # A horizon outside 1 to 31 days is refused on the driver before any job runs; its
                # error object is then each of those cases' output, as every other surface writes it.
                one = df.select(
                    "idx",
                    "name",
                    "case",
                    F.lit(e.to_json()).alias("plan"),
                    F.get_json_object(F.col("case"), "$.account.id").alias("account_id"),
                    F.lit(None).cast("string").alias("until"),
                    F.lit(None).cast("array<string>").alias("warnings"),
                    F.lit(e.code).alias("error_code"),
                    F.lit(e.path).alias("error_path"),
                    F.lit(e.message).alias("error_message"),
                )
            one = one.withColumn("decision", F.col("plan")).drop("plan")
        decided = one if decided is None else decided.unionByName(one, allowMissingColumns=True)
    return decided.orderBy("idx").collect()


def session(master: str = "local[2]"):
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master(master)
        .appName("arrears-corpus")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.pyspark.python", sys.executable)
        .config("spark.pyspark.driver.python", sys.executable)
        .getOrCreate()
    )


def main() -> None:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "tests/conformance")
    spark = session()
    spark.sparkContext.setLogLevel("ERROR")
    try:
        rows = decide_corpus(spark, root)
    finally:
        spark.stop()
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "tests" / "conformance"))
    import corpus

    cases = corpus.load_corpus(root)
    got = {}
    for row in rows:
        # A case Spark answered twice is no answer: the checker reports it as given no output.
        got[row["name"]] = None if row["name"] in got else row["decision"]
    sys.stdout.write(corpus.output_lines("PySpark (Python)", cases, [got.get(c.name) for c in cases]))


if __name__ == "__main__":
    main()
