"""The conformance corpus through the installed `arrears` package, as a one-line JSON summary
for scripts/conformance.sh (the pytest suite checks the same, case by case)."""

import json
import pathlib
import sys

import arrears

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "tests/conformance")
dirs = sorted(d for d in (root / "cases").iterdir() if d.is_dir())
differ = []
for d in dirs:
    meta = json.loads((d / "meta.json").read_text())
    policy = (root / meta["policy"]).read_text() if meta["policy"].endswith(".json") else meta["policy"]
    try:
        got = arrears.Engine(policy).decide_json((d / "case.json").read_text())
    except arrears.ArrearsError as e:
        got = e.to_json()
    if (got + "\n").encode() != (d / "expected.json").read_bytes():
        differ.append(d.name)
print(json.dumps({"surface": "Python package (arrears)", "cases": len(dirs), "identical": len(dirs) - len(differ), "differ": differ}))
