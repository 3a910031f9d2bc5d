"""The conformance corpus through the Python package: the same decisions as the native engine,
and every case's claims (checked by tests/conformance/claims.py, which every Python surface
shares). ARREARS_CORPUS points the suite at another corpus directory."""

import json
import pathlib
import subprocess
import sys

import pytest

import arrears

REPO = pathlib.Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "tests" / "conformance"))
import claims  # noqa: E402

CORPUS = claims.corpus_dir(REPO / "tests" / "conformance")
CASES = claims.load_corpus(CORPUS)


def _output(case):
    """The decision, or for a plan case (meta.json's "plan_days") the plan; or the error object."""
    try:
        engine = arrears.Engine(case.policy)
        days = case.meta.get("plan_days")
        return engine.decide_json(case.case_text) if days is None else engine.plan_json(case.case_text, days)
    except arrears.ArrearsError as e:
        return e.to_json()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_corpus_case_gives_the_native_bytes_and_its_claims_hold(case):
    assert case.expected.endswith(b"\n")
    identical, failed = case.check(_output(case))
    assert identical
    assert failed == []


def test_a_falsified_claim_fails_the_corpus_report(tmp_path):
    first = CASES[0]
    (tmp_path / "cases" / first.name).mkdir(parents=True)
    for f in ("case.json", "expected.json", "expected.prose"):
        (tmp_path / "cases" / first.name / f).write_bytes((first.dir / f).read_bytes())
    (tmp_path / "digests.json").write_bytes((CORPUS / "digests.json").read_bytes())
    (tmp_path / "policies").mkdir()
    for p in (CORPUS / "policies").iterdir():
        (tmp_path / "policies" / p.name).write_bytes(p.read_bytes())
    meta = json.loads(json.dumps(first.meta))
    claim = meta["expect"][0]
    claim[next(k for k in ("is", "has", "lacks") if k in claim)] = "a value no decision holds"
    (tmp_path / "cases" / first.name / "meta.json").write_text(json.dumps(meta))
    run = subprocess.run([sys.executable, str(REPO / "bindings" / "python" / "corpus_report.py"), str(tmp_path)],
                         capture_output=True, text=True)
    assert run.returncode == 1, run.stderr
    line = json.loads(run.stdout)
    assert line["differ"] == []
    assert len(line["failed_claims"]) == 1
    assert line["failed_claims"][0].startswith(f"{first.name}: {claim['at']}")


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
