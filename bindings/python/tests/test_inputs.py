"""What `decide` and `decide_json` take: a dict or JSON text, as the npm package's `decide` does;
bytes as text; and input no JSON encoder can walk is an `ArrearsError`, never a RecursionError."""

import json
import pathlib

import pytest

import arrears

SAMPLE = pathlib.Path(__file__).resolve().parents[3] / "examples" / "cases" / "overdue-consumer-loan.json"


@pytest.fixture(scope="module")
def engine():
    return arrears.Engine("cn-microloan")


def _deep(levels):
    doc = {}
    inner = doc
    for _ in range(levels):
        inner["extensions"] = {}
        inner = inner["extensions"]
    return doc


def test_decide_takes_a_dict_json_text_or_utf8_bytes_alike(engine):
    text = SAMPLE.read_text()
    from_dict = engine.decide(json.loads(text))
    assert from_dict["delinquency"]["days_past_due"] == 23
    assert engine.decide(text) == from_dict
    assert engine.decide(text.encode()) == from_dict
    assert json.loads(engine.decide_json(text.encode())) == from_dict
    assert engine.plan(text, 2) == engine.plan(json.loads(text), 2)


def test_text_that_is_not_a_case_is_the_engines_error_not_a_string_case(engine):
    with pytest.raises(arrears.InvalidInput) as e:
        engine.decide("[1, 2]")
    assert e.value.code == "invalid_json"


def test_bytes_that_are_not_utf8_are_invalid_json(engine):
    with pytest.raises(arrears.InvalidInput) as e:
        engine.decide_json(b'{"as_of": "\xff"}')
    assert (e.value.code, e.value.path) == ("invalid_json", "")


def test_a_dict_nested_beyond_the_encoder_is_an_arrears_error(engine):
    with pytest.raises(arrears.ArrearsError) as e:
        engine.decide(_deep(100_000))
    assert e.value.code == "invalid_json"
    results = engine.decide_many([json.loads(SAMPLE.read_text()), _deep(100_000)])
    assert results[0]["delinquency"]["days_past_due"] == 23
    assert isinstance(results[1], arrears.InvalidInput)


def test_a_missing_field_is_named_by_its_own_path(engine):
    case = json.loads(SAMPLE.read_text())
    del case["account"]["id"]
    with pytest.raises(arrears.InvalidInput) as e:
        engine.decide(case)
    assert (e.value.code, e.value.path) == ("invalid_field", "account.id")
    case = json.loads(SAMPLE.read_text())
    del case["as_of"]
    with pytest.raises(arrears.InvalidInput) as e:
        engine.decide(case)
    assert e.value.path == "as_of"
