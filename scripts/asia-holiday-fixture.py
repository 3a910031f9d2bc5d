"""Writes core/tests/fixtures/asia-holidays-2025-2026.json from the `holidays` package, an
independent source for the holiday calendars of the id-ojk, ph-sec and in-rbi packs. The Rust test
core/tests/asia_calendars.rs compares each pack with it for every date of 2025 and 2026.

    pip install holidays==0.108 && python3 scripts/asia-holiday-fixture.py

Indonesia: national holidays and collective leave (categories public and government). The
Philippines: regular holidays and special non-working days (category public). India: the
country-wide list (category public); bank holidays proper are declared state by state.
"""

import datetime
import json
import pathlib

import holidays

SOURCES = {
    "id-ojk": ("ID", ("public", "government")),
    "ph-sec": ("PH", ("public",)),
    "in-rbi": ("IN", ("public",)),
}

out = pathlib.Path(__file__).resolve().parents[1] / "core" / "tests" / "fixtures" / "asia-holidays-2025-2026.json"
packs = {}
for pack, (country, categories) in SOURCES.items():
    found = holidays.country_holidays(country, years=[2025, 2026], categories=categories)
    packs[pack] = {
        "country": country,
        "categories": list(categories),
        "holidays": sorted(d.isoformat() for d in found),
    }
doc = {"source": f"holidays {holidays.__version__}", "years": [2025, 2026], "packs": packs}
out.write_text(json.dumps(doc, indent=1) + "\n")
print(f"wrote {out}")
