"""The conformance corpus through the installed `arrears` package, as a one-line JSON summary
for scripts/conformance.sh (the pytest suite checks the same, case by case): each decision (or,
for a plan case, the plan over its "plan_days"), the bytes with the policy digest masked, the digest against digests.json, and every case's claims, by the checker
every Python surface shares (tests/conformance/claims.py).

    python3 bindings/python/corpus_report.py [CORPUS_DIR]     (or ARREARS_CORPUS=DIR)
"""

import json
import pathlib
import sys

import arrears

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "tests" / "conformance"))
import claims  # noqa: E402

root = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else claims.corpus_dir("tests/conformance")
cases = claims.load_corpus(root)
outputs = []
for c in cases:
    try:
        engine = arrears.Engine(c.policy)
        # A case whose meta.json holds "plan_days" is planned over that many days, not decided.
        days = c.meta.get("plan_days")
        outputs.append(engine.decide_json(c.case_text) if days is None else engine.plan_json(c.case_text, days))
    except arrears.ArrearsError as e:
        outputs.append(e.to_json())
line = claims.summary("Python package (arrears)", cases, outputs)
print(json.dumps(line, ensure_ascii=False))
sys.exit(1 if line["differ"] or line["failed_claims"] else 0)
