"""arrears.spark in local mode: the corpus's native bytes through Spark, errors as rows, empty and
one-row partitions, case columns, the report against `arrears report`, and the portfolio job."""

import json
import os
import pathlib

import pytest
from pyspark.sql import functions as F

import arrears
from arrears import spark as aspark
from spark_corpus_report import comparable, corpus_cases, decide_corpus, expected_text

REPO = pathlib.Path(__file__).resolve().parents[3]
CORPUS = REPO / "tests" / "conformance"
EXAMPLE = (REPO / "examples" / "cases" / "overdue-consumer-loan.json").read_text()
KEYS = [name for name, _ in aspark.DECISION_COLUMNS]
# The plan column itself is the corpus rows' `decision` (decide_corpus puts every output there).
PLAN_KEYS = [name for name, _ in aspark.PLAN_COLUMNS if name != "plan"]


def _texts(spark, texts, partitions=1):
    rows = [(i, t) for i, t in enumerate(texts)]
    return spark.createDataFrame(rows, "idx int, case string").repartition(partitions)


def _key_fields(decision):
    """What the key columns must hold, read from the decision text in Python."""
    d = json.loads(decision)
    q, n, e = d.get("delinquency") or {}, d.get("next_action") or {}, d.get("error") or {}
    return {
        "decision": decision,
        "account_id": d.get("account_id"),
        "stage": (q.get("stage") or {}).get("id"),
        "days_past_due": q.get("days_past_due"),
        "overdue_amount": q.get("overdue_amount"),
        "currency": q.get("currency"),
        "queue": (d.get("queue") or {}).get("current"),
        "escalate_to": (d.get("queue") or {}).get("escalate_to"),
        "next_action": n.get("action"),
        "next_action_party": n.get("party"),
        "next_action_channel": n.get("channel"),
        "next_action_at": n.get("at"),
        "error_code": e.get("code"),
        "error_path": e.get("path"),
    }


def _plan_key_fields(plan):
    """What the key columns of ``plan`` must hold, read from the plan text in Python."""
    p = json.loads(plan)
    e = p.get("error") or {}
    return {"account_id": p.get("account_id"), "until": p.get("until"),
            "error_code": e.get("code"), "error_path": e.get("path")}


def test_the_corpus_through_spark_gives_the_native_bytes(spark):
    rows = decide_corpus(spark, CORPUS)
    cases = corpus_cases(CORPUS)
    assert [r["idx"] for r in rows] == [c[0] for c in cases]
    assert [r["name"] for r in rows] == [c[1] for c in cases]
    errors = 0
    for row, case in zip(rows, cases):
        expected = expected_text(CORPUS / "cases" / row["name"])
        assert comparable(row["decision"], expected) == expected, row["name"]
        if case[4] is None:
            assert {k: row[k] for k in KEYS} == _key_fields(row["decision"]), row["name"]
        else:  # a plan case: the plan's key columns
            assert {k: row[k] for k in PLAN_KEYS} == _plan_key_fields(row["decision"]), row["name"]
        errors += row["error_code"] is not None
    # The corpus's error cases (bad JSON, bad fields, an unknown and an invalid policy) came back
    # as rows with their code.
    assert errors == sum('"error"' in expected_text(CORPUS / "cases" / c[1])[:9] for c in cases) > 10


def test_digest_masking_follows_the_expected_bytes():
    got = '{"policy":{"id":"p","digest":"sha256:' + "ab" * 32 + '"}}'
    assert comparable(got, '{"policy":{"id":"p","digest":"@digest"}}') == '{"policy":{"id":"p","digest":"@digest"}}'
    assert comparable(got, got) == got


def test_bad_cases_are_rows_with_their_code_not_a_failed_job(spark):
    texts = [EXAMPLE, "{", None, "[]", json.dumps({"as_of": "2026-03-10T14:30:00"}), EXAMPLE]
    rows = aspark.decide(_texts(spark, texts, 2), "cn-microloan", column="case").orderBy("idx").collect()
    engine = arrears.Engine("cn-microloan")
    assert [r["decision"] for r in rows] == engine.decide_many_json(["null" if t is None else t for t in texts])
    assert [r["error_code"] for r in rows] == [None, "invalid_json", "invalid_json", "invalid_json", "invalid_field", None]
    assert rows[4]["error_path"] == "as_of"
    assert rows[0]["stage"] == "late" and rows[0]["days_past_due"] == 23 and rows[0]["decision"] == rows[5]["decision"]
    assert all(r["stage"] is None for r in rows[1:5])


def test_plan_gives_the_engines_plans_and_bad_cases_as_rows(spark):
    texts = [EXAMPLE, "{", None, json.dumps({"as_of": "2026-03-10T14:30:00"}), EXAMPLE]
    df = _texts(spark, texts, 2)
    rows = aspark.plan(df, "cn-microloan", 3, column="case").orderBy("idx").collect()
    engine = arrears.Engine("cn-microloan")
    want = []
    for t in texts:
        try:
            want.append(engine.plan_json("null" if t is None else t, 3))
        except arrears.ArrearsError as e:
            want.append(e.to_json())
    assert [r["plan"] for r in rows] == want
    assert rows[0]["plan"] != engine.plan_json(EXAMPLE, 4)  # the horizon reached the workers
    assert [r["error_code"] for r in rows] == [None, "invalid_json", "invalid_json", "invalid_field", None]
    assert rows[3]["error_path"] == "as_of"
    assert rows[0]["account_id"] == json.loads(want[0])["account_id"] and rows[0]["until"] == json.loads(want[0])["until"]
    assert list(rows[0].asDict()) == ["idx", "case"] + [name for name, _ in aspark.PLAN_COLUMNS]
    for bad in (0, 32, -1):
        with pytest.raises(arrears.InvalidInput) as e:
            aspark.plan(df, "cn-microloan", bad, column="case")
        assert (e.value.code, e.value.path) == ("out_of_range", "days")
    with pytest.raises(TypeError):
        aspark.plan(df, "cn-microloan", "7", column="case")


def test_an_unknown_policy_raises_on_the_driver_or_fills_every_row(spark):
    df = _texts(spark, [EXAMPLE, EXAMPLE])
    with pytest.raises(arrears.PolicyError):
        aspark.decide(df, "no-such-pack", column="case")
    rows = aspark.decide(df, "no-such-pack", column="case", check_policy=False).collect()
    assert [r["error_code"] for r in rows] == ["unknown_policy", "unknown_policy"]


def test_an_empty_dataframe_gives_an_empty_dataframe_with_the_columns(spark):
    empty = spark.createDataFrame([], "idx int, case string")
    out = aspark.decide(empty, "us-reg-f", column="case")
    assert out.columns == ["idx", "case"] + KEYS
    assert out.count() == 0
    assert aspark.report(out)["accounts"] == 0


def test_one_row_partitions(spark):
    one = aspark.decide(_texts(spark, [EXAMPLE]).coalesce(1), "cn-microloan", column="case").collect()
    assert len(one) == 1 and one[0]["days_past_due"] == 23
    # Five rows over four partitions: most hold a single row, and the order is restored by idx.
    # Five rows in four partitions: three of them hold a single row.
    texts = [EXAMPLE.replace('"2026-03-10T', f'"2026-03-0{d}T') for d in range(1, 6)]
    df = spark.sparkContext.parallelize(list(enumerate(texts)), 4).toDF("idx int, case string")
    assert df.rdd.glom().map(len).collect() == [1, 1, 1, 2]
    rows = aspark.decide(df, "cn-microloan", column="case").orderBy("idx").collect()
    assert [r["decision"] for r in rows] == arrears.Engine("cn-microloan").decide_many_json(texts)


def test_the_case_as_columns_decides_like_its_json_text(spark, portfolio):
    text = spark.read.text(str(portfolio)).where(~F.col("value").isin("{", "[]"))
    by_text = aspark.decide(text, "cn-microloan", column="value").select("account_id", "decision")
    columns = spark.read.json(text.rdd.map(lambda r: r.value)).where(F.col("account").isNotNull())
    assert "as_of" in columns.columns and "account" in columns.columns
    by_columns = aspark.decide(columns, "cn-microloan").select("account_id", F.col("decision").alias("d2"))
    joined = by_text.join(by_columns, "account_id")
    assert joined.count() == 2997
    assert joined.where(F.col("decision") != F.col("d2")).count() == 0


def test_the_wrong_input_is_refused_before_any_job(spark):
    df = _texts(spark, [EXAMPLE])
    with pytest.raises(ValueError):
        aspark.decide(df.withColumnRenamed("idx", "stage"), "cn-microloan", column="case")
    with pytest.raises(TypeError):
        aspark.decide(df, "cn-microloan", column="idx")
    with pytest.raises(ValueError):
        aspark.decide(df, "cn-microloan")  # no case column named and no case fields


def test_one_engine_per_worker_process(spark):
    """Eight tasks on two cores: every batch a worker decides reuses the engine it built first."""

    def probe(batches):
        import pyarrow as pa

        for b in batches:
            engine = aspark._engine("cn-microloan")
            yield pa.RecordBatch.from_pydict({"pid": [os.getpid()] * b.num_rows, "engine": [id(engine)] * b.num_rows})

    seen = spark.range(64).repartition(8).mapInArrow(probe, "pid long, engine long").distinct().collect()
    assert len(seen) == len({r["pid"] for r in seen}) >= 1


def test_decisions_and_report_equal_arrears_batch_and_report(spark, portfolio, cli, tmp_path):
    from portfolio import render

    batch_out = tmp_path / "batch.jsonl"
    assert cli("batch", "--policy", "cn-microloan", str(portfolio), "-o", str(batch_out)).returncode == 0
    native = batch_out.read_text().splitlines()
    decided = aspark.decide(spark.read.text(str(portfolio)), "cn-microloan", column="value")
    ours = [r["decision"] for r in decided.collect()]  # collect keeps the file's order
    assert len(ours) == len(native) == 3000
    for i, (n, o) in enumerate(zip(native, ours)):
        if n.startswith('{"line"'):  # a batch error line carries its line number as well
            n = json.dumps({"error": json.loads(n)["error"]}, ensure_ascii=False, separators=(",", ":"))
        assert o == n, i

    figures = aspark.report(decided)
    native_json = json.loads(cli("report", "--json", str(batch_out)).stdout)
    assert figures == native_json
    assert figures["errors"] == 3 and figures["accounts"] == 2997
    assert render(figures) == cli("report", str(batch_out)).stdout.decode().rstrip()


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_the_portfolio_job_writes_every_decision_partitioned_by_stage(spark, portfolio, cli, tmp_path, fmt):
    from portfolio import run

    source = str(portfolio)
    if fmt == "parquet":
        source = str(tmp_path / "cases.parquet")
        spark.read.json(str(portfolio)).where(F.col("account").isNotNull()).write.parquet(source)
    out = run(spark, "cn-microloan", source, str(tmp_path / "decisions"), fmt)
    written = spark.read.parquet(str(tmp_path / "decisions"))
    assert out["written"] == written.count() == (3000 if fmt == "jsonl" else 2997)
    stages = {p.name for p in (tmp_path / "decisions").iterdir() if p.is_dir()}
    assert {"stage=late", "stage=mid"} <= stages
    assert "value" not in written.columns and "account" not in written.columns
    assert out["report"]["errors"] == (3 if fmt == "jsonl" else 0)
