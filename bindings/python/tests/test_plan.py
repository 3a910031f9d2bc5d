"""Engine.plan: the contact plan over the coming days, through the component, with the errors
decide raises and a days count checked the way the engine checks it."""

import json
import pathlib

import pytest

import arrears

REPO = pathlib.Path(__file__).resolve().parents[3]
EXAMPLE = REPO / "examples" / "cases" / "overdue-consumer-loan.json"
# Every key of a plan, in the order the engine writes them.
PLAN_KEYS = ["format", "account_id", "as_of", "until", "days", "policy", "candidates", "warnings"]


@pytest.fixture(scope="module")
def engine():
    return arrears.Engine("cn-microloan")


@pytest.fixture(scope="module")
def case():
    return json.loads(EXAMPLE.read_text())


def test_plan_takes_and_returns_dicts_over_seven_days_by_default(engine, case):
    p = engine.plan(case)
    assert list(p) == PLAN_KEYS
    assert p["days"] == 7
    assert p["as_of"] == case["as_of"]
    assert p["account_id"] == engine.decide(case)["account_id"]
    assert {k: p["policy"][k] for k in ("id", "version", "digest")} == engine.policy
    assert p == engine.plan(case, days=7)


def test_plan_json_is_the_text_plan_reads(engine, case):
    text = EXAMPLE.read_text()
    out = engine.plan_json(text, 3)
    assert isinstance(out, str) and "\n" not in out
    assert json.loads(out) == engine.plan(case, 3)
    assert json.loads(out)["days"] == 3
    # The same case as text and as a dict is the same plan, byte for byte.
    assert engine.plan_json(json.dumps(case), 3) == out


def test_the_horizon_follows_days(engine, case):
    short, long = engine.plan(case, 1), engine.plan(case, 31)
    assert (short["days"], long["days"]) == (1, 31)
    assert short["until"] < long["until"]
    # Each candidate's windows over one day start no later than over a month.
    firsts = {
        (c["action"], c["party"], c["channel"]): c["windows"][0]["from"] for c in long["candidates"] if c["windows"]
    }
    for c in short["candidates"]:
        if c["windows"]:
            assert c["windows"][0]["from"] == firsts[(c["action"], c["party"], c["channel"])]


def test_candidates_are_the_decisions_actions(engine, case):
    actions = {(a["action"], a["party"], a["channel"]) for a in engine.decide(case)["actions"]}
    candidates = [(c["action"], c["party"], c["channel"]) for c in engine.plan(case)["candidates"]]
    assert candidates and set(candidates) <= actions
    for c in engine.plan(case)["candidates"]:
        for w in c["windows"]:
            assert list(w) == ["from", "until", "rule", "preferred", "opened_by", "closed_by", "caps"]


@pytest.mark.parametrize("days", [0, 32, 1000, 2**32 - 1, -1, 2**32, -(2**40)])
def test_days_outside_one_to_thirty_one_is_out_of_range_at_days(engine, case, days):
    with pytest.raises(arrears.InvalidInput) as e:
        engine.plan(case, days)
    assert (e.value.code, e.value.path) == ("out_of_range", "days")
    with pytest.raises(arrears.InvalidInput) as e2:
        engine.plan_json(EXAMPLE.read_text(), days)
    assert e2.value.to_json() == e.value.to_json()


@pytest.mark.parametrize("days", ["7", 7.0, None, True])
def test_days_that_is_not_an_int_is_a_type_error(engine, case, days):
    with pytest.raises(TypeError):
        engine.plan(case, days)


def test_a_bad_case_raises_what_decide_raises(engine):
    bad = {"as_of": "2026-03-10T14:30:00"}
    with pytest.raises(arrears.InvalidInput) as planned:
        engine.plan(bad)
    with pytest.raises(arrears.InvalidInput) as decided:
        engine.decide(bad)
    assert planned.value.to_json() == decided.value.to_json()
    with pytest.raises(arrears.InvalidInput) as e:
        engine.plan_json("{", 3)
    assert e.value.code == "invalid_json"
