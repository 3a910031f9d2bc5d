"""arrears on Apache Spark: a DataFrame of cases in, the same DataFrame with its decisions out.

    from arrears.spark import decide, report

    decided = decide(cases, "cn-microloan", column="value")   # a string column of case JSON
    decided = decide(cases, policy_text)                      # or the case's fields as columns
    decided.write.partitionBy("stage").parquet("decisions")
    planned = plan(cases, "cn-microloan", days=7, column="value")   # each case's contact plan

Deciding runs on the executors, partition by partition, through Arrow batches (``mapInArrow``):
each executor's Python worker builds one engine per policy, keeps it for the life of the process,
and hands it the cases a few hundred at a time (``Engine.decide_many_json``). Nothing is collected
to the driver. The ``decision`` column holds, for every row, the decision's canonical JSON text or
the ``{"error":{...}}`` object for a case the engine rejects: the very bytes of every other
surface. A bad case is a row with its ``error_code``, never a failed job.

Needs the arrears wheel with its ``spark`` extra (docs/install.md) on the driver and on every
executor (the component runs in each executor's Python worker), and Java 17 or later for Spark.
"""

from __future__ import annotations

import json
import threading
from typing import Any, Dict, Iterator, List, Optional, Tuple, Union

import pyarrow as pa
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import (
    ArrayType,
    BooleanType,
    LongType,
    StringType,
    StructField,
    StructType,
)

import arrears

__all__ = ["CASE_FIELDS", "DECISION_COLUMNS", "PLAN_COLUMNS", "decide", "plan", "report"]

#: The top-level fields of a case; when no JSON column is named, the DataFrame's columns of these
#: names are the case.
CASE_FIELDS = ("as_of", "account", "borrower", "contacts", "history", "extensions")

#: The columns ``decide`` adds, in order, with their Spark SQL types.
DECISION_COLUMNS: Tuple[Tuple[str, str], ...] = (
    ("decision", "string"),  # the canonical decision JSON, or the {"error":{...}} object
    ("account_id", "string"),
    ("stage", "string"),  # delinquency.stage.id
    ("days_past_due", "bigint"),
    ("overdue_amount", "bigint"),  # minor units
    ("currency", "string"),
    ("queue", "string"),  # queue.current
    ("escalate_to", "string"),
    ("next_action", "string"),
    ("next_action_party", "string"),
    ("next_action_channel", "string"),
    ("next_action_at", "string"),  # the instant, with the borrower's offset, as in the decision
    ("warnings", "array<string>"),  # the codes of decision.warnings, e.g. market_mismatch
    ("error_code", "string"),
    ("error_path", "string"),
    ("error_message", "string"),
)

#: The columns ``plan`` adds, in order, with their Spark SQL types.
PLAN_COLUMNS: Tuple[Tuple[str, str], ...] = (
    ("plan", "string"),  # the canonical plan JSON, or the {"error":{...}} object
    ("account_id", "string"),
    ("until", "string"),  # the end of the planned horizon, as in the plan
    ("warnings", "array<string>"),  # the codes of plan.warnings
    ("error_code", "string"),
    ("error_path", "string"),
    ("error_message", "string"),
)

# The error object's fields, as the key columns read them.
_ERROR_SCHEMA = StructType(
    [StructField("code", StringType()), StructField("path", StringType()), StructField("message", StringType())]
)

# The account id as the input names it, read from the case's text in the JVM: a case the engine
# rejects has no decision to read it from, and its row must still lead back to the account.
_INPUT_ACCOUNT_ID = "__arrears_input_account_id"

# The part of a decision (or error object) the key columns come from. Spark's JSON reader skips
# everything else without building it.
_KEY_SCHEMA = StructType(
    [
        StructField("account_id", StringType()),
        StructField(
            "delinquency",
            StructType(
                [
                    StructField("days_past_due", LongType()),
                    StructField("overdue_amount", LongType()),
                    StructField("currency", StringType()),
                    StructField("stage", StructType([StructField("id", StringType())])),
                ]
            ),
        ),
        StructField(
            "queue",
            StructType([StructField("current", StringType()), StructField("escalate_to", StringType())]),
        ),
        StructField(
            "next_action",
            StructType(
                [
                    StructField("action", StringType()),
                    StructField("party", StringType()),
                    StructField("channel", StringType()),
                    StructField("at", StringType()),
                ]
            ),
        ),
        StructField("warnings", ArrayType(StructType([StructField("code", StringType())]))),
        StructField("error", _ERROR_SCHEMA),
    ]
)

# Rows per call into the component: decide_many_json already sends 256 cases per call; slicing
# Spark's Arrow batches (10,000 rows by default) keeps the worker's decisions in flight small.
_SLICE_ROWS = 2048

# One engine per (thread, policy) in each Python worker process, built on the first batch and kept
# while the worker lives (Spark reuses workers across tasks). A policy the engine refuses is kept
# as its error, so every row of every batch carries it without trying again.
_engines: Dict[Tuple[int, str], Union["arrears.Engine", "arrears.ArrearsError"]] = {}
_engines_lock = threading.Lock()


def _engine(policy: str) -> Union["arrears.Engine", "arrears.ArrearsError"]:
    key = (threading.get_ident(), policy)
    engine = _engines.get(key)
    if engine is None:
        with _engines_lock:
            engine = _engines.get(key)
            if engine is None:
                try:
                    engine = arrears.Engine(policy)
                except arrears.ArrearsError as e:
                    engine = e
                _engines[key] = engine
    return engine


def _decide_texts(policy: str, texts: List[Optional[str]]) -> List[str]:
    """One JSON text per case, in order: the decision or the error object. A null case is
    decided as the JSON text ``null``, which the engine rejects like any other non-object."""
    engine = _engine(policy)
    if isinstance(engine, arrears.ArrearsError):
        return [engine.to_json()] * len(texts)
    return engine.decide_many_json("null" if t is None else t for t in texts)


def _plan_texts(policy: str, days: int, texts: List[Optional[str]]) -> List[str]:
    """One JSON text per case, in order: the plan over ``days`` days or the error object. The
    component plans one case per call (a plan costs a few decisions, so the call's fixed cost
    matters less than for ``decide``)."""
    engine = _engine(policy)
    if isinstance(engine, arrears.ArrearsError):
        return [engine.to_json()] * len(texts)
    out = []
    for t in texts:
        try:
            out.append(engine.plan_json("null" if t is None else t, days))
        except arrears.ArrearsError as e:
            out.append(e.to_json())
    return out


def _decide_batches(
    policy: str, case_column: str, out_column: str, drop_case: bool = False, plan_days: Optional[int] = None
):
    """The function each executor runs over its partition's Arrow batches: the input columns
    pass through untouched (but the case column when ``drop_case``), and the decision text (the
    plan's, over ``plan_days`` days, when given) is appended."""

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            for offset in range(0, batch.num_rows, _SLICE_ROWS):
                part = batch.slice(offset, _SLICE_ROWS)
                cases = part.column(case_column)
                # Spark sends strings as `string` or `large_string` (a session setting) and
                # expects the same kind back.
                kind = cases.type if pa.types.is_large_string(cases.type) else pa.string()
                texts = cases.to_pylist()
                if plan_days is None:
                    decisions = _decide_texts(policy, texts)
                else:
                    decisions = _plan_texts(policy, plan_days, texts)
                if drop_case:
                    part = part.drop_columns([case_column])
                yield part.append_column(pa.field(out_column, kind), pa.array(decisions, type=kind))

    return run


def _policy_text(policy: Union[str, Dict[str, Any]]) -> str:
    return policy if isinstance(policy, str) else json.dumps(policy, ensure_ascii=False)


def decide(
    cases: DataFrame,
    policy: Union[str, Dict[str, Any]],
    column: Optional[str] = None,
    *,
    check_policy: bool = True,
) -> DataFrame:
    """Decides every case of ``cases`` under ``policy``; returns ``cases`` with the columns of
    :data:`DECISION_COLUMNS` added (lazily: nothing runs until an action).

    ``column`` names a string column holding each case's JSON text (JSON Lines read with
    ``spark.read.text`` give ``value``). Without it, the case is built from the DataFrame's
    columns named like a case's top-level fields (``as_of``, ``account``, ``borrower``,
    ``contacts``, ``history``, ``extensions``), as ``spark.read.json`` or a Parquet copy of the
    cases give them; null fields are left out. Other columns pass through untouched.

    ``policy`` is a built-in pack id, a policy document's JSON text, or the document as a dict.
    With ``check_policy`` (the default) it is validated on the driver first and a policy the
    engine refuses raises :class:`arrears.PolicyError` before any job runs; without it, every row
    carries the policy's error object, as each executor meets it.
    """
    policy = _policy_text(policy)
    if check_policy:
        arrears.Engine(policy)
    staged, case_column, drop_case = _staged(cases, column, DECISION_COLUMNS)
    out_schema = StructType(cases.schema.fields + [_INPUT_ID_FIELD, StructField("decision", StringType(), True)])
    decided = staged.mapInArrow(_decide_batches(policy, case_column, "decision", drop_case), out_schema)
    return _with_keys(decided, cases.columns)


def plan(
    cases: DataFrame,
    policy: Union[str, Dict[str, Any]],
    days: int = 7,
    column: Optional[str] = None,
    *,
    check_policy: bool = True,
) -> DataFrame:
    """Plans every case of ``cases`` under ``policy`` over the next ``days`` local days (1 to 31,
    default 7); returns ``cases`` with the columns of :data:`PLAN_COLUMNS` added (lazily).

    The ``plan`` column holds each case's plan (every window in which each action will be allowed
    if nothing else happens), the very bytes of ``arrears.Engine.plan_json``, or the error object
    for a case the engine rejects. ``column``, ``policy`` and ``check_policy`` are as for
    :func:`decide`; ``days`` outside 1 to 31 raises :class:`arrears.InvalidInput`
    (``out_of_range`` at ``days``) on the driver, before any job runs.
    """
    policy = _policy_text(policy)
    # A bad horizon is the caller's mistake, not a row's: refused on the driver, in the engine's
    # own words, before any job runs.
    if not 1 <= arrears._days(days) <= 31:
        raise arrears._days_out_of_range(days)
    if check_policy:
        arrears.Engine(policy)
    staged, case_column, drop_case = _staged(cases, column, PLAN_COLUMNS)
    out_schema = StructType(cases.schema.fields + [_INPUT_ID_FIELD, StructField("plan", StringType(), True)])
    planned = staged.mapInArrow(_decide_batches(policy, case_column, "plan", drop_case, days), out_schema)
    parsed = "__arrears_key"
    with_key = planned.withColumn(parsed, F.from_json(F.col("plan"), _PLAN_KEY_SCHEMA))
    return with_key.select(
        *[with_key[c] for c in cases.columns],
        F.col("plan"),
        *[_key_column(parsed, name, path) for name, path in _PLAN_KEY_PATHS],
    )


# The part of a plan (or error object) the key columns of ``plan`` come from.
_PLAN_KEY_SCHEMA = StructType(
    [
        StructField("account_id", StringType()),
        StructField("until", StringType()),
        StructField("warnings", ArrayType(StructType([StructField("code", StringType())]))),
        StructField("error", _ERROR_SCHEMA),
    ]
)

_PLAN_KEY_PATHS = (
    ("account_id", "account_id"),
    ("until", "until"),
    ("warnings", "warnings"),
    ("error_code", "error.code"),
    ("error_path", "error.path"),
    ("error_message", "error.message"),
)


def _staged(
    cases: DataFrame, column: Optional[str], added: Tuple[Tuple[str, str], ...]
) -> Tuple[DataFrame, str, bool]:
    """``cases`` with a string column of case JSON, that column's name, and whether it was made
    here (and is dropped from the output); refuses a DataFrame that already has a column of
    ``added``."""
    clashes = [name for name, _ in added if name in cases.columns]
    if clashes:
        raise ValueError(f"the DataFrame already has columns named {clashes}; rename or drop them first")

    staged, drop_case = cases, False
    if column is None:
        fields = [c for c in cases.columns if c in CASE_FIELDS]
        missing = [c for c in ("as_of", "account", "borrower") if c not in fields]
        if missing:
            raise ValueError(
                f"no case column named and no case fields {missing} among the columns {cases.columns}"
            )
        # The case's JSON text, made in the JVM and sent to the workers only: it does not come back.
        case_column, drop_case = "__arrears_case", True
        staged = cases.withColumn(
            case_column,
            F.to_json(F.struct(*[cases[c] for c in fields]), {"ignoreNullFields": "true"}),
        )
    else:
        kind = cases.schema[column].dataType
        if not isinstance(kind, StringType):
            raise TypeError(f"column {column!r} holds {kind.simpleString()}, not the case's JSON text")
        case_column = column
    # After the case column, so that the workers' output (the input's columns, less the case
    # column when it was made here, then the decision) has it just before the decision.
    staged = staged.withColumn(_INPUT_ACCOUNT_ID, F.get_json_object(F.col(case_column), "$.account.id"))
    return staged, case_column, drop_case


_INPUT_ID_FIELD = StructField(_INPUT_ACCOUNT_ID, StringType(), True)


def _with_keys(decided: DataFrame, columns: List[str]) -> DataFrame:
    """``columns`` of ``decided``, its ``decision``, and the key columns read from it."""
    # Read by Spark's own JSON reader, in the JVM, rather than by a json.loads per row in the
    # Python worker.
    parsed = "__arrears_key"
    with_key = decided.withColumn(parsed, F.from_json(F.col("decision"), _KEY_SCHEMA))
    return with_key.select(
        *[with_key[c] for c in columns],
        F.col("decision"),
        *[_key_column(parsed, name, path) for name, path in _KEY_PATHS],
    )


_KEY_PATHS = (
    ("account_id", "account_id"),
    ("stage", "delinquency.stage.id"),
    ("days_past_due", "delinquency.days_past_due"),
    ("overdue_amount", "delinquency.overdue_amount"),
    ("currency", "delinquency.currency"),
    ("queue", "queue.current"),
    ("escalate_to", "queue.escalate_to"),
    ("next_action", "next_action.action"),
    ("next_action_party", "next_action.party"),
    ("next_action_channel", "next_action.channel"),
    ("next_action_at", "next_action.at"),
    ("warnings", "warnings"),
    ("error_code", "error.code"),
    ("error_path", "error.path"),
    ("error_message", "error.message"),
)


def _key_column(root: str, name: str, path: str) -> Column:
    """The key column ``name``, read at ``path`` of the parsed decision or plan: warnings as their
    codes (an empty list for a decision without any, null for an error), and the account id from
    the input when the engine rejected the case."""
    col = F.col(root)
    for part in path.split("."):
        col = col[part]
    if name == "warnings":
        col = F.transform(col, lambda w: w["code"])
    elif name == "account_id":
        col = F.coalesce(col, F.col(_INPUT_ACCOUNT_ID))
    return col.alias(name)


# Buckets of days past due, as `arrears report` counts them: (name, first day, last day).
_BUCKETS = (
    ("current", 0, 0),
    ("1-30", 1, 30),
    ("31-60", 31, 60),
    ("61-90", 61, 90),
    ("91-180", 91, 180),
    ("181-360", 181, 360),
    ("360+", 361, None),
)

_REPORT_SCHEMA = StructType(
    [
        StructField("error", StructType([StructField("code", StringType())])),
        StructField(
            "delinquency",
            StructType(
                [
                    StructField("days_past_due", LongType()),
                    StructField("overdue_amount", LongType()),
                    StructField("currency", StringType()),
                    StructField("stage", StructType([StructField("id", StringType())])),
                ]
            ),
        ),
        StructField("queue", StructType([StructField("escalate_to", StringType())])),
        StructField(
            "actions",
            ArrayType(StructType([StructField("action", StringType()), StructField("allowed", BooleanType())])),
        ),
    ]
)


def report(decisions: DataFrame, column: str = "decision") -> Dict[str, Any]:
    """The portfolio figures of ``arrears report --json``, computed in Spark from a column of
    decision texts (what :func:`decide` adds, or decisions read back from Parquet): accounts and
    overdue amounts by days-past-due bucket, accounts by stage, escalations due, actions allowed
    now. Only the aggregates come back to the driver.

    A row whose text is an error object (or null, or not JSON) counts under ``errors``.
    """
    # Parsed once, in its own projection: every figure below reads the parsed struct.
    parsed = decisions.select(
        F.from_json(F.col(column), _REPORT_SCHEMA).alias("d"), F.col(column).isNull().alias("missing")
    )
    d = F.col("d")
    dpd = d["delinquency"]["days_past_due"]
    # Like `arrears report`: a missing or negative count of days is 0, and the count is capped
    # at the largest 32-bit value.
    days = F.when(dpd.isNull() | (dpd < 0), F.lit(0)).otherwise(F.least(dpd, F.lit(4294967295)))
    bucket = None
    for name, first, last in _BUCKETS:
        test = days >= first if last is None else days.between(first, last)
        bucket = F.when(test, name) if bucket is None else bucket.when(test, name)
    is_error = F.col("missing") | d.isNull() | d["error"].isNotNull()
    ok = ~is_error

    def fact(figure: str, k1: Column, k2: Optional[Column] = None, amount: Optional[Column] = None) -> Column:
        return F.struct(
            F.lit(figure).alias("figure"),
            k1.cast("string").alias("k1"),
            (k2 if k2 is not None else F.lit(None)).cast("string").alias("k2"),
            (amount if amount is not None else F.lit(None)).cast("bigint").alias("amount"),
        )

    # One pass over the decisions: each row gives the facts it adds to (its bucket and currency,
    # its stage, ...), and one aggregation counts and sums them all.
    facts = F.array(
        fact("rows", is_error),
        F.when(
            ok,
            fact(
                "bucket",
                bucket,
                F.coalesce(d["delinquency"]["currency"], F.lit("?")),
                F.coalesce(d["delinquency"]["overdue_amount"], F.lit(0)),
            ),
        ),
        F.when(ok, fact("stage", F.coalesce(d["delinquency"]["stage"]["id"], F.lit("?")))),
        F.when(ok & d["queue"]["escalate_to"].isNotNull(), fact("escalation", d["queue"]["escalate_to"])),
    )
    actions = F.coalesce(d["actions"], F.array().cast(_REPORT_SCHEMA["actions"].dataType))
    allowed = F.filter(actions, lambda a: a["allowed"] == F.lit(True))
    facts = F.concat(
        facts,
        F.array(F.when(ok & (F.size(allowed) > 0), fact("with_action", F.lit("")))),
        F.transform(allowed, lambda a: F.when(ok, fact("allowed", F.coalesce(a["action"], F.lit("?"))))),
    )
    groups = (
        parsed.select(F.explode(facts).alias("f"))
        .where(F.col("f").isNotNull())
        .groupBy("f.figure", "f.k1", "f.k2")
        .agg(F.count(F.lit(1)).alias("n"), F.sum("f.amount").alias("amount"))
    )
    out: Dict[str, Any] = {
        "accounts": 0,
        "errors": 0,
        "by_days_past_due": {name: {"accounts": 0, "overdue": {}} for name, _, _ in _BUCKETS},
        "by_stage": {},
        "escalations_due": {},
        "allowed_now_by_action": {},
        "accounts_with_an_action_now": 0,
    }
    for r in groups.collect():
        if r["figure"] == "bucket":
            b = out["by_days_past_due"][r["k1"]]
            b["accounts"] += r["n"]
            b["overdue"][r["k2"]] = r["amount"]
        elif r["figure"] == "stage":
            out["by_stage"][r["k1"]] = r["n"]
        elif r["figure"] == "escalation":
            out["escalations_due"][r["k1"]] = r["n"]
        elif r["figure"] == "allowed":
            out["allowed_now_by_action"][r["k1"]] = r["n"]
        elif r["figure"] == "with_action":
            out["accounts_with_an_action_now"] = r["n"]
        else:
            out["errors" if r["k1"] == "true" else "accounts"] = r["n"]
    for b in out["by_days_past_due"].values():
        b["overdue"] = dict(sorted(b["overdue"].items()))
        b["share"] = _percent(b["accounts"], out["accounts"])
    for name in ("by_stage", "escalations_due", "allowed_now_by_action"):
        out[name] = dict(sorted(out[name].items()))
    # Decision texts carry no case summary (`arrears batch --with-case-summary`), so the figures
    # that need one are absent, as `arrears report` writes them for such lines.
    out.update({"with_case_summary": 0, "first_contact": None, "complaints": None, "roll": None})
    return out


def _percent(n: int, d: int) -> Optional[str]:
    """``n`` as a share of ``d`` with one decimal, rounded half up, as `arrears report` writes it."""
    if d <= 0:
        return None
    tenths = (n * 2000 // d + 1) // 2
    return f"{tenths // 10}.{tenths % 10}%"


def _count(df: DataFrame, figure: str, key: Column) -> DataFrame:
    return df.groupBy(F.lit(figure).alias("figure"), key.alias("k1"), F.lit(None).cast("string").alias("k2")).agg(
        F.count(F.lit(1)).alias("n"), F.lit(None).cast("bigint").alias("amount")
    )
