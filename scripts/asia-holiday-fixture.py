"""Writes core/tests/fixtures/asia-holidays-2025-2027.json from the `holidays` package, an
independent source for the holiday calendars of the id-ojk, ph-sec and in-rbi packs, and for the
2027 calendar of cn-microloan. The Rust test core/tests/asia_calendars.rs compares each pack with
it for every date of the years listed.

    pip install holidays==0.109 && python3 scripts/asia-holiday-fixture.py

Indonesia: national holidays (category public; collective leave, category government, is not a
national holiday). The Philippines: regular holidays and special non-working days (category
public). India: the central government's list (category public); bank holidays proper are
declared state by state. China, 2027 only: the statutory holidays and their weekday substitutes
(the State Council's arrangement for 2027, with its make-up working days, is not in this version;
2025 and 2026 are checked against chinese-calendar by scripts/cn-holiday-fixture.py).
"""

import json
import pathlib

import holidays

PINNED = "0.109"
SOURCES = {
    "id-ojk": ("ID", ("public",), [2025, 2026, 2027]),
    "ph-sec": ("PH", ("public",), [2025, 2026, 2027]),
    "in-rbi": ("IN", ("public",), [2025, 2026, 2027]),
    "cn-microloan": ("CN", ("public",), [2027]),
}

if holidays.__version__ != PINNED:
    raise SystemExit(f"holidays {holidays.__version__} installed; the fixture is written from {PINNED}")

out = pathlib.Path(__file__).resolve().parents[1] / "core" / "tests" / "fixtures" / "asia-holidays-2025-2027.json"
packs = {}
for pack, (country, categories, years) in SOURCES.items():
    found = holidays.country_holidays(country, years=years, categories=categories)
    packs[pack] = {
        "country": country,
        "categories": list(categories),
        "years": years,
        "holidays": sorted(d.isoformat() for d in found),
    }
doc = {"source": f"holidays {holidays.__version__}", "packs": packs}
out.write_text(json.dumps(doc, indent=1) + "\n")
print(f"wrote {out}")
