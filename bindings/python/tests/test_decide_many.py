"""decide-many: one call for many cases, the same bytes as deciding them one by one."""

import collections
import json
import pathlib
import sys

import pytest

import arrears

REPO = pathlib.Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "tests" / "conformance"))
import corpus  # noqa: E402

CORPUS = corpus.corpus_dir(REPO / "tests" / "conformance")
# Plan cases (meta.json's "plan_days") hold a plan, not a decision: test_plan.py covers them.
CASES = sorted(p for p in (CORPUS / "cases").iterdir()
               if p.is_dir() and "plan_days" not in json.loads((p / "meta.json").read_text()))
EXAMPLE = REPO / "examples" / "cases" / "overdue-consumer-loan.json"


def _policy(meta):
    p = meta["policy"]
    return (CORPUS / p).read_text() if p.endswith(".json") else p


def _expected(case_dir):
    text = corpus.Case(CORPUS, case_dir).expected.decode()
    assert text.endswith("\n")
    return text[:-1]


def _masked(decision):
    """A decision dict with its policy digest written as the expected files write it."""
    if isinstance(decision, dict) and isinstance(decision.get("policy"), dict):
        decision = dict(decision, policy=dict(decision["policy"], digest="@digest"))
    return decision


def _by_policy():
    """The corpus cases grouped by the policy they run under, in corpus order."""
    groups = collections.defaultdict(list)
    for case_dir in CASES:
        groups[_policy(json.loads((case_dir / "meta.json").read_text()))].append(case_dir)
    return groups


def test_corpus_through_decide_many_json_gives_the_native_bytes():
    checked = 0
    for policy, dirs in _by_policy().items():
        try:
            engine = arrears.Engine(policy)
        except arrears.PolicyError:
            continue  # the policy itself is the error under test: no engine, nothing to batch
        got = engine.decide_many_json([(d / "case.json").read_text() for d in dirs])
        assert len(got) == len(dirs)
        for d, g in zip(dirs, got):
            assert corpus.mask_digests(g)[0] == _expected(d), d.name
        checked += len(dirs)
    assert checked >= len(CASES) - 2


def test_corpus_through_decide_many_gives_the_native_decisions_and_errors():
    for policy, dirs in _by_policy().items():
        try:
            engine = arrears.Engine(policy)
        except arrears.PolicyError:
            continue
        # Cases that are not JSON objects cannot travel as dicts; decide_many_json covers them.
        cases, kept = [], []
        for d in dirs:
            try:
                case = json.loads((d / "case.json").read_text())
            except ValueError:
                continue
            if isinstance(case, dict):
                cases.append(case)
                kept.append(d)
        outs = engine.decide_many(cases)
        assert len(outs) == len(kept)
        for d, out in zip(kept, outs):
            expected = json.loads(_expected(d))
            if isinstance(out, arrears.ArrearsError):
                assert out.to_dict() == expected, d.name
            else:
                assert _masked(out) == expected, d.name


def test_mixed_good_and_bad_cases_keep_their_order():
    engine = arrears.Engine("cn-microloan")
    good = json.loads(EXAMPLE.read_text())
    texts = [
        json.dumps(good),
        "{",
        json.dumps(good),
        json.dumps({"as_of": "2026-03-10T14:30:00"}),
        "[]",
        json.dumps(good),
    ]
    got = engine.decide_many_json(texts)
    one_by_one = []
    for t in texts:
        try:
            one_by_one.append(engine.decide_json(t))
        except arrears.ArrearsError as e:
            one_by_one.append(e.to_json())
    assert got == one_by_one
    assert [g.startswith('{"error"') for g in got] == [False, True, False, True, True, False]

    out = engine.decide_many([good, {"as_of": "2026-03-10T14:30:00"}, good])
    assert out[0] == out[2] == engine.decide(good)
    assert isinstance(out[1], arrears.InvalidInput)
    assert out[1].path == "as_of"


def test_batches_larger_than_a_chunk_and_lazy_iterables(monkeypatch):
    monkeypatch.setattr(arrears, "_CHUNK_CASES", 3)
    engine = arrears.Engine("cn-microloan")
    good = EXAMPLE.read_text()
    texts = [good if i % 4 else "{" for i in range(10)]
    got = engine.decide_many_json(t for t in texts)
    assert len(got) == 10
    assert got == [engine.decide_many_json([t])[0] for t in texts]
    monkeypatch.setattr(arrears, "_CHUNK_CHARS", 1)  # every case alone in its chunk
    assert engine.decide_many_json(texts) == got


def test_empty_batch():
    engine = arrears.Engine("us-reg-f")
    assert engine.decide_many([]) == []
    assert engine.decide_many_json([]) == []


def test_decide_many_returns_errors_not_raising_them():
    engine = arrears.Engine("us-reg-f")
    (out,) = engine.decide_many([{}])
    assert isinstance(out, arrears.ArrearsError)
    with pytest.raises(type(out)):
        engine.decide({})


def test_the_component_refuses_a_batch_over_the_limit_as_a_whole():
    engine = arrears.Engine("us-reg-f")
    rt = arrears._Runtime.get()
    answer = rt.call("[method]engine.decide-batch", engine._handle, ["{}"] * 4097)
    assert answer.tag == "err"
    assert answer.payload.code == "limit_exceeded"
    assert answer.payload.message == "the batch holds 4097 cases; at most 4096 are accepted in one call"
    answer = rt.call("[method]engine.decide-batch", engine._handle, ["{}"] * 4096)
    assert answer.tag == "ok" and len(answer.payload.texts) == 4096
    assert list(answer.payload.errors) == list(range(4096))


def test_the_component_names_the_error_slots_of_a_batch():
    engine = arrears.Engine("cn-microloan")
    good = EXAMPLE.read_text()
    rt = arrears._Runtime.get()
    answer = rt.call("[method]engine.decide-batch", engine._handle, [good, "{", "", good, "[]"])
    assert answer.tag == "ok"
    assert list(answer.payload.errors) == [1, 2, 4]
    assert answer.payload.texts[0] == answer.payload.texts[3] == engine.decide_json(good)


def test_a_chunk_the_component_refuses_whole_is_decided_case_by_case(monkeypatch):
    # A chunk over the batch limit (only a case too large for any batch makes one in practice)
    # still gives every case the answer deciding it alone gives.
    monkeypatch.setattr(arrears, "_CHUNK_CASES", 5000)
    engine = arrears.Engine("us-reg-f")
    texts = ["{}"] * 4096 + ["["]
    got = engine.decide_many_json(texts)
    assert len(got) == 4097
    assert got[0] == engine.decide_many_json(["{}"])[0]
    assert got[4096] == engine.decide_many_json(["["])[0]
    with pytest.raises(arrears.InvalidInput) as e:
        engine.decide_json("[")
    assert got[4096] == e.value.to_json()
