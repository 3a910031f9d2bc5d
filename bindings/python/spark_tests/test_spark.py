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


def _input_account_id(case):
    """The account id as the case's text names it (what a rejected case's row keeps), if any."""
    try:
        account = json.loads(case).get("account")
        found = account.get("id") if isinstance(account, dict) else None
    except (TypeError, ValueError, AttributeError):
        return None
    return None if found is None else found if isinstance(found, str) else json.dumps(found)


def _key_fields(decision, case):
    """What the key columns must hold, read from the decision text (and, for the account id of a
    rejected case, from the case's text) in Python."""
    d = json.loads(decision)
    q, n, e = d.get("delinquency") or {}, d.get("next_action") or {}, d.get("error") or {}
    return {
        "decision": decision,
        "account_id": d.get("account_id") or _input_account_id(case),
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
        "warnings": None if "error" in d else [w["code"] for w in d.get("warnings", [])],
        "error_code": e.get("code"),
        "error_path": e.get("path"),
        "error_message": e.get("message"),
    }


def _plan_key_fields(plan, case):
    """What the key columns of ``plan`` must hold, read from the plan text in Python."""
    p = json.loads(plan)
    e = p.get("error") or {}
    return {"account_id": p.get("account_id") or _input_account_id(case), "until": p.get("until"),
            "warnings": None if "error" in p else [w["code"] for w in p.get("warnings", [])],
            "error_code": e.get("code"), "error_path": e.get("path"), "error_message": e.get("message")}


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
            assert {k: row[k] for k in KEYS} == _key_fields(row["decision"], row["case"]), row["name"]
        else:  # a plan case: the plan's key columns
            assert {k: row[k] for k in PLAN_KEYS} == _plan_key_fields(row["decision"], row["case"]), row["name"]
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

    # Tallied in several partitions, merged on the driver: the native report's very bytes.
    spread = decided.repartition(5)
    assert spread.rdd.getNumPartitions() == 5
    native_text = cli("report", "--json", str(batch_out)).stdout.decode()
    assert aspark.report_json(spread) + "\n" == native_text
    figures = aspark.report(decided)
    assert figures == json.loads(native_text)
    assert list(figures) == list(json.loads(native_text))
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


def test_a_failed_row_keeps_its_account_id_and_says_why(spark):
    no_as_of = json.loads(EXAMPLE)
    del no_as_of["as_of"]
    texts = [json.dumps(no_as_of), "{", EXAMPLE]
    rows = aspark.decide(_texts(spark, texts), "cn-microloan", column="case").orderBy("idx").collect()
    assert [r["account_id"] for r in rows] == ["L-1001", None, "L-1001"]
    assert (rows[0]["error_code"], rows[0]["error_path"]) == ("invalid_field", "as_of")
    assert rows[0]["error_message"] == json.loads(rows[0]["decision"])["error"]["message"] != ""
    assert rows[1]["error_message"] and rows[2]["error_message"] is None
    planned = aspark.plan(_texts(spark, texts), "cn-microloan", 2, column="case").orderBy("idx").collect()
    assert [r["account_id"] for r in planned] == ["L-1001", None, "L-1001"]
    assert planned[0]["error_message"] == json.loads(planned[0]["plan"])["error"]["message"]


def test_a_decision_outside_the_policys_market_carries_its_warning_in_a_column(spark):
    df = _texts(spark, [EXAMPLE])
    [home] = aspark.decide(df, "cn-microloan", column="case").collect()
    [abroad] = aspark.decide(df, "us-reg-f", column="case").collect()
    assert home["warnings"] == []
    assert abroad["warnings"] == [w["code"] for w in json.loads(abroad["decision"])["warnings"]]
    assert "market_mismatch" in abroad["warnings"]


def test_the_example_book_of_the_policys_market_has_no_mismatch_and_the_report_separates_currencies(spark, cli, tmp_path):
    from portfolio import render_by_currency, run

    books = {}
    for name, args in {"us": ["--policy", "us-reg-f"], "cn": ["--policy", "cn-microloan"]}.items():
        books[name] = cli("gen", "--accounts", "200", "--seed", "3", *args).stdout.decode().splitlines()
    own = tmp_path / "own.jsonl"
    own.write_text("\n".join(books["us"]) + "\n")
    out = run(spark, "us-reg-f", str(own), str(tmp_path / "own"))
    assert out["outside_market"] == 0 and list(out["by_currency"]) == ["USD"]

    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text("\n".join(books["us"][:150] + books["cn"][:50]) + "\n")
    out = run(spark, "us-reg-f", str(mixed), str(tmp_path / "mixed"))
    assert out["outside_market"] == 50
    assert sorted(out["by_currency"]) == ["CNY", "USD"]
    assert [out["by_currency"][c]["accounts"] for c in ("CNY", "USD")] == [50, 150]
    text = render_by_currency(out, "us-reg-f")
    cny, usd = text.split("\n== CNY\n")[1].split("\n== USD\n")
    assert "USD" not in cny and "CNY" not in usd, text
    assert "50 decided outside the market of us-reg-f" in text
