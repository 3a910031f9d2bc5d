"""The conformance corpus through the installed `arrears` package: each case's output (the
decision, or for a plan case the plan over its "plan_days"), one JSON line each, for
`arrears corpus check` (scripts/conformance.sh), which checks every surface's outputs the same
way. The pytest suite compares the same outputs, case by case.

    python3 bindings/python/corpus_report.py [CORPUS_DIR]     (or ARREARS_CORPUS=DIR)
"""

import pathlib
import sys

import arrears

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "tests" / "conformance"))
import corpus  # noqa: E402

root = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else corpus.corpus_dir("tests/conformance")
cases = corpus.load_corpus(root)
outputs = []
for c in cases:
    try:
        engine = arrears.Engine(c.policy)
        days = c.plan_days
        outputs.append(engine.decide_json(c.case_text) if days is None else engine.plan_json(c.case_text, days))
    except arrears.ArrearsError as e:
        outputs.append(e.to_json())
sys.stdout.write(corpus.output_lines("Python package (arrears)", cases, outputs))
