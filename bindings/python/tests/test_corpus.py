"""The conformance corpus through the Python package: the same bytes as the native engine (the
digests and the claims are checked by `arrears corpus check` over corpus_report.py's outputs, as
for every surface). ARREARS_CORPUS points the suite at another corpus directory."""

import json
import pathlib
import sys

import pytest

import arrears

REPO = pathlib.Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "tests" / "conformance"))
import corpus  # noqa: E402

CORPUS = corpus.corpus_dir(REPO / "tests" / "conformance")
CASES = corpus.load_corpus(CORPUS)


def _output(case):
    """The decision, or for a plan case (meta.json's "plan_days") the plan; or the error object."""
    try:
        engine = arrears.Engine(case.policy)
        days = case.plan_days
        return engine.decide_json(case.case_text) if days is None else engine.plan_json(case.case_text, days)
    except arrears.ArrearsError as e:
        return e.to_json()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_corpus_case_gives_the_native_bytes(case):
    assert (corpus.mask_digests(_output(case))[0] + "\n").encode() == case.expected


def test_decide_takes_and_returns_dicts():
    engine = arrears.Engine("cn-microloan")
    case = json.loads((REPO / "examples" / "cases" / "overdue-consumer-loan.json").read_text())
    d = engine.decide(case)
    assert d["delinquency"]["days_past_due"] == 23
    assert d["delinquency"]["stage"]["id"] == "late"
    assert engine.policy["id"] == "cn-microloan"


def test_errors_are_typed_with_code_and_path():
    with pytest.raises(arrears.PolicyError) as e:
        arrears.Engine("no-such-pack")
    assert e.value.code == "unknown_policy"
    engine = arrears.Engine("us-reg-f")
    with pytest.raises(arrears.InvalidInput) as e:
        engine.decide({"as_of": "2026-03-10T14:30:00"})
    assert e.value.code in ("invalid_field", "unknown_field")
    assert e.value.path == "as_of"


def test_builtin_policies_and_version():
    assert arrears.builtin_policies() == ["cn-microloan", "us-reg-f", "id-ojk", "ph-sec", "in-rbi"]
    assert arrears.version() == "0.1.0"
