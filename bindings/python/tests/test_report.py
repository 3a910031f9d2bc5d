"""The report tally through the component: parts tallied apart and merged in any order give the
tally of the whole, and a tally that cannot be read is an error at its path."""

import datetime
import json
import pathlib

import pytest

import arrears

REPO = pathlib.Path(__file__).resolve().parents[3]
EXAMPLE = json.loads((REPO / "examples" / "cases" / "overdue-consumer-loan.json").read_text())


def _decisions():
    """The example account at a dozen instants a week apart under two packs, and three lines
    that are not decisions."""
    texts = []
    for pack in ("cn-microloan", "us-reg-f"):
        engine = arrears.Engine(pack)
        for week in range(12):
            day = datetime.date(2026, 3, 10) + datetime.timedelta(days=7 * week)
            case = dict(EXAMPLE, as_of=f"{day.isoformat()}T14:30:00+08:00")
            texts.append(engine.decide_json(json.dumps(case)))
    return texts + ['{"error":{"code":"invalid_json","path":"","message":"x"}}', None, "{"]


def test_parts_merged_in_any_order_give_the_tally_and_report_of_the_whole():
    texts = _decisions()
    whole = arrears.report_tally(texts)
    parts = [arrears.report_tally(texts[i : i + 5]) for i in range(0, len(texts), 5)]
    assert arrears.report_merge(parts) == whole
    assert arrears.report_merge(reversed(parts)) == whole
    assert arrears.report_merge([arrears.report_merge(parts[:2]), arrears.report_merge(parts[2:])]) == whole
    report = json.loads(arrears.report_finish(whole))
    assert (report["accounts"], report["errors"]) == (24, 3)
    assert sum(b["accounts"] for b in report["by_days_past_due"].values()) == 24
    assert report["first_contact"] is None and report["roll"] is None
    assert json.loads(whole)["format"] == "arrears.tally/1"


def test_no_tallies_merge_into_the_report_of_no_decisions():
    report = json.loads(arrears.report_finish(arrears.report_merge([])))
    assert report["accounts"] == 0 and report["by_days_past_due"]["current"]["share"] is None


def test_a_tally_that_cannot_be_read_is_an_error_at_its_path():
    good = arrears.report_tally(_decisions()[:3])
    other = json.dumps(dict(json.loads(good), format="arrears.tally/9"))
    with pytest.raises(arrears.InvalidInput) as e:
        arrears.report_merge([good, other])
    assert (e.value.code, e.value.path) == ("invalid_field", "[1].format")
    with pytest.raises(arrears.InvalidInput) as e:
        arrears.report_finish("[]")
    assert e.value.code == "invalid_json"
