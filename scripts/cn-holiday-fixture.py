"""Writes core/tests/fixtures/cn-calendar-2025-2026.json from the `chinese-calendar` package, an
independent source for the State Council's holiday and make-up working day schedule. The Rust test
core/tests/cn_calendar.rs compares the cn-microloan pack with it for every date of 2025 and 2026.

    pip install chinese-calendar==1.11.0 && python3 scripts/cn-holiday-fixture.py
"""

import datetime
import json
import pathlib

import chinese_calendar

out = pathlib.Path(__file__).resolve().parents[1] / "core" / "tests" / "fixtures" / "cn-calendar-2025-2026.json"
days = []
d = datetime.date(2025, 1, 1)
while d <= datetime.date(2026, 12, 31):
    working = chinese_calendar.is_workday(d)
    _, name = chinese_calendar.get_holiday_detail(d)
    days.append({"date": d.isoformat(), "working_day": working, "holiday": name is not None and not working})
    d += datetime.timedelta(days=1)
doc = {"source": f"chinese-calendar {chinese_calendar.__version__}", "days": days}
out.write_text(json.dumps(doc, indent=0, ensure_ascii=False) + "\n")
print(f"wrote {out} ({len(days)} days)")
