"""import_fineract: the case of an Apache Fineract loan response, decided, gives the delinquent
days and amounts Fineract's own delinquency tests assert, for every fixture of the core's; bad
input raises InvalidInput whose path points into the loan."""

import copy
import json
import pathlib
from decimal import Decimal

import pytest

import arrears

REPO = pathlib.Path(__file__).resolve().parents[3]
FIXTURES = REPO / "core" / "tests" / "fixtures" / "fineract"
SCENARIOS = sorted(d for d in FIXTURES.iterdir() if (d / "loan.json").is_file())


def cents(decimal: str) -> int:
    """A decimal such as "1033.3" in minor units of a two-place currency."""
    return int(Decimal(decimal).scaleb(2))


@pytest.fixture(scope="module")
def engine():
    return arrears.Engine("us-reg-f")


def test_there_are_fixtures_to_run():
    assert len(SCENARIOS) >= 20


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda d: d.name)
def test_the_imported_case_decides_to_fineracts_delinquent_days_and_amounts(engine, scenario):
    meta = json.loads((scenario / "meta.json").read_text())
    loan = (scenario / "loan.json").read_text()
    case = arrears.import_fineract(loan, meta["business_date"], meta["time_zone"])
    assert arrears.import_fineract(json.loads(loan), meta["business_date"], meta["time_zone"]) == case
    d = engine.decide(case)["delinquency"]
    want = meta["expected"]
    assert d["days_past_due"] == want["delinquent_days"]
    assert d["overdue_amount"] == cents(want["delinquent_amount"])
    for part, amount in want.get("delinquent_components", {}).items():
        assert d["overdue_components"][part] == cents(amount), part


def test_bad_input_raises_invalid_input_with_the_path_into_the_loan():
    loan = json.loads((FIXTURES / "pause-ended" / "loan.json").read_text())
    bad = copy.deepcopy(loan)
    bad["repaymentSchedule"]["periods"][2]["interestOutstanding"] = "12,5"
    with pytest.raises(arrears.InvalidInput) as e:
        arrears.import_fineract(bad, "2012-03-12", "UTC")
    assert (e.value.code, e.value.path) == ("invalid_field", "repaymentSchedule.periods[2].interestOutstanding")
    with pytest.raises(arrears.InvalidInput) as e:
        arrears.import_fineract(loan, "12 March 2012", "UTC")
    assert e.value.path == "business_date"
    with pytest.raises(arrears.InvalidInput) as e:
        arrears.import_fineract(loan, "2012-03-12", "Mars/Olympus")
    assert e.value.path == "time_zone"
    with pytest.raises(arrears.InvalidInput) as e:
        arrears.import_fineract("[1", "2012-03-12", "UTC")
    assert e.value.code == "invalid_json"
