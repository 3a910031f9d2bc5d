"""The conformance corpus through the Python package: the same decisions as the native engine."""

import json
import pathlib

import pytest

import arrears

CORPUS = pathlib.Path(__file__).resolve().parents[3] / "tests" / "conformance"
CASES = sorted(p for p in (CORPUS / "cases").iterdir() if p.is_dir())


def _policy(meta):
    p = meta["policy"]
    return (CORPUS / p).read_text() if p.endswith(".json") else p


@pytest.mark.parametrize("case_dir", CASES, ids=[c.name for c in CASES])
def test_corpus_case_gives_the_native_bytes(case_dir):
    meta = json.loads((case_dir / "meta.json").read_text())
    expected = (case_dir / "expected.json").read_bytes().decode()
    assert expected.endswith("\n")
    expected = expected[:-1]
    try:
        engine = arrears.Engine(_policy(meta))
        got = engine.decide_json((case_dir / "case.json").read_text())
    except arrears.ArrearsError as e:
        got = e.to_json()
    assert got == expected


def test_decide_takes_and_returns_dicts():
    engine = arrears.Engine("cn-microloan")
    case = json.loads((CORPUS.parents[1] / "examples" / "cases" / "overdue-consumer-loan.json").read_text())
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
