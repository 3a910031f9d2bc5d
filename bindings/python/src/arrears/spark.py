"""arrears on Apache Spark: a DataFrame of cases in, the same DataFrame with its decisions out.

    from arrears.spark import decide, report

    decided = decide(cases, "cn-microloan", column="value")   # a string column of case JSON
    decided = decide(cases, policy_text)                      # or the case's fields as columns
    decided.write.partitionBy("stage").parquet("decisions")
    planned = plan(cases, "cn-microloan", days=7, column="value")   # each case's contact plan
    figures = report(spark.read.parquet("decisions"))         # `arrears report --json`, as a dict

Deciding runs on the executors, partition by partition, through Arrow batches (``mapInArrow``):
each executor's Python worker builds one engine per policy, keeps it for the life of the process,
and hands it the cases a few hundred at a time (``Engine.decide_many_json``). Nothing is collected
to the driver. The ``decision`` column holds, for every row, the decision's canonical JSON text or
the ``{"error":{...}}`` object for a case the engine rejects: the very bytes of every other
surface. A bad case is a row with its ``error_code``, never a failed job.

The report is the engine's own too: each executor counts its partition's decisions into a report
tally in the component, and the driver merges the partitions' small tallies and finishes them
into the very bytes of ``arrears report --json`` (``report_json``).

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
    LongType,
    StringType,
    StructField,
    StructType,
)

import arrears

__all__ = ["CASE_FIELDS", "DECISION_COLUMNS", "PLAN_COLUMNS", "decide", "plan", "report", "report_json"]

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


def _tally_partition(column: str):
    """The function each executor runs over its partition's Arrow batches: the report tally of
    the partition's decision texts (a null counts as an error line), as one row; an empty
    partition gives no row. Only these tallies, a few kilobytes each, travel to the driver."""

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        tallies: List[str] = []
        kind = pa.string()
        for batch in batches:
            texts = batch.column(column)
            # Strings arrive as `string` or `large_string`, as Spark is configured, and the
            # tally goes back as the same kind.
            if pa.types.is_large_string(texts.type):
                kind = texts.type
            if batch.num_rows:
                tallies.append(arrears.report_tally(texts.to_pylist()))
            if len(tallies) >= 64:
                tallies = [arrears.report_merge(tallies)]
        if tallies:
            tally = arrears.report_merge(tallies) if len(tallies) > 1 else tallies[0]
            yield pa.RecordBatch.from_arrays([pa.array([tally], type=kind)], names=["tally"])

    return run


def report_json(decisions: DataFrame, column: str = "decision") -> str:
    """The portfolio report of a column of decision texts (what :func:`decide` adds, or decisions
    read back from Parquet) as JSON text: the very bytes ``arrears report --json`` writes for the
    same decisions (accounts and overdue amounts by days-past-due bucket, accounts by stage,
    escalations due, actions allowed now).

    The engine's own report tally does the counting: each executor tallies its partition in the
    component (``arrears.report_tally``), and the driver merges the partitions' tallies and
    finishes the report (``arrears.report_merge``, ``arrears.report_finish``). A row whose text is
    an error object (or null, or not JSON) counts under ``errors``.
    """
    kind = decisions.schema[column].dataType
    if not isinstance(kind, StringType):
        raise TypeError(f"column {column!r} holds {kind.simpleString()}, not decision JSON text")
    tallies = decisions.select(column).mapInArrow(_tally_partition(column), "tally string").collect()
    return arrears.report_finish(arrears.report_merge(r["tally"] for r in tallies))


def report(decisions: DataFrame, column: str = "decision") -> Dict[str, Any]:
    """:func:`report_json` as a dict, its keys in the report's order."""
    return json.loads(report_json(decisions, column))
