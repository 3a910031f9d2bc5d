"""The corpus's claims and digests, checked the same way on every Python surface (the package's
tests, bindings/python/corpus_report.py, examples/python-host/host.py). claims.rs and claims.mjs
beside it are the same checker in Rust and JavaScript; docs/conformance.md describes the language.
Standard library only.

A surface imports it by path:

    sys.path.insert(0, str(CORPUS_DIR_OF_THE_REPOSITORY))
    import claims
"""

import json
import os
import pathlib
import re

from expected import read_expected

_DIGEST = re.compile(r'"digest":"sha256:([0-9a-fA-F]{64})"')
_MISSING, _BAD = object(), object()


def mask_digests(output):
    """The output with every `"digest":"sha256:<64 hex>"` written `"digest":"@digest"`, and the digests."""
    digests = []

    def mask(m):
        digests.append("sha256:" + m.group(1))
        return '"digest":"@digest"'

    return _DIGEST.sub(mask, output), digests


def digest_problem(digests, reference, output):
    """What is wrong with an output's digest against digests.json, or None (errors have none)."""
    found = mask_digests(output)[1]
    if not found:
        return None
    got = found[0]
    try:
        version = json.loads(output)["policy"]["version"]
    except (ValueError, KeyError, TypeError):
        version = ""
    entry = (digests or {}).get(reference)
    want = entry if isinstance(entry, str) else entry.get(version) if isinstance(entry, dict) else None
    if not isinstance(want, str):
        return f"digests.json has no digest for {reference} {version} (the output's is {got})"
    return None if want == got else f"digest of {reference} {version} is {got}, digests.json says {want}"


def _parse(path):
    # Split on dots outside brackets: selector values are rule ids, which hold dots.
    segments, depth, start = [], 0, 0
    for i, c in enumerate(path):
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
        elif c == "." and depth == 0:
            segments.append(path[start:i])
            start = i + 1
    segments.append(path[start:])
    steps = []
    for seg in segments:
        if "[" not in seg:
            if not seg:
                raise ValueError(f"empty segment in {path!r}")
            steps.append(("key", seg))
            continue
        name, inner = seg.split("[", 1)
        if not inner.endswith("]"):
            raise ValueError(f"unclosed [ in {seg!r}")
        inner = inner[:-1]
        if inner == "*":
            steps.append(("every", name))
        elif inner.isdigit():
            steps.append(("index", name, int(inner)))
        else:
            pairs = []
            for kv in inner.split(","):
                if "=" not in kv:
                    raise ValueError(f"selector {kv!r} in {seg!r} is not k=v")
                pairs.append(tuple(kv.split("=", 1)))
            steps.append(("select", name, pairs))
    return steps


def _short(v):
    s = json.dumps(v, ensure_ascii=False, separators=(",", ":"))
    return s[:160] + "..." if len(s) > 160 else s


def _text(v):
    if isinstance(v, str):
        return v
    if v is None or isinstance(v, (bool, int, float)):
        return json.dumps(v)
    return None


def json_equal(a, b):
    """JSON deep equality: true is not 1, and 1 is 1.0."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b))
    return a == b and type(a) in (int, float, str, type(None)) and type(b) in (int, float, str, type(None))


def _array(v, name):
    a = v.get(name) if isinstance(v, dict) else None
    if isinstance(a, list):
        return a, None
    if a is None:
        return None, (_MISSING, f"no array {name!r}")
    return None, (_BAD, f"{name!r} is not an array: {_short(a)}")


def _resolve(v, steps):
    """(value, None), or (None, (_MISSING | _BAD, why)); `lacks` accepts _MISSING."""
    if not steps:
        return v, None
    step, rest = steps[0], steps[1:]
    if step[0] == "key":
        if isinstance(v, dict) and step[1] in v:
            return _resolve(v[step[1]], rest)
        return None, (_MISSING, f"no key {step[1]!r} in {_short(v)}")
    items, problem = _array(v, step[1])
    if problem:
        return None, problem
    if step[0] == "index":
        if step[2] < len(items):
            return _resolve(items[step[2]], rest)
        return None, (_MISSING, f"{step[1]!r} has {len(items)} elements")
    if step[0] == "select":
        hits = [e for e in items if isinstance(e, dict)
                and all(k in e and _text(e[k]) == want for k, want in step[2])]
        if len(hits) == 1:
            return _resolve(hits[0], rest)
        if not hits:
            return None, (_MISSING, f"no element of {step[1]!r} matches the selector (elements: {_short(items)})")
        return None, (_BAD, f"{len(hits)} elements of {step[1]!r} match the selector")
    out = []
    for e in items:
        x, problem = _resolve(e, rest)
        if problem:
            return None, problem
        out.append(x)
    return out, None


def _check(claim, output):
    path = claim.get("at") if isinstance(claim, dict) else None
    if not isinstance(path, str):
        return f'claim without "at": {_short(claim)}'
    try:
        steps = _parse(path)
    except ValueError as e:
        return f"{path}: {e}"
    ops = [k for k in ("is", "has", "lacks") if k in claim]
    if len(ops) != 1:
        return f"{path}: a claim needs exactly one of is/has/lacks: {_short(claim)}"
    op, want = ops[0], claim[ops[0]]
    got, problem = _resolve(output, steps)
    if problem:
        kind, why = problem
        if kind is _BAD:
            return f"{path}: {why}"
        return None if op == "lacks" else f"{path}: {op} {_short(want)}, but {why}"
    if op == "is":
        return None if json_equal(got, want) else f"{path}: is {_short(want)}, found {_short(got)}"
    if not isinstance(got, list):
        return f"{path}: {op} {_short(want)} needs a list, found {_short(got)}"
    if any(json_equal(x, want) for x in got) == (op == "has"):
        return None
    return f"{path}: {op} {_short(want)}, found {_short(got)}"


def claim_failures(meta, output):
    """The case's `expect` claims that do not hold of `output` (a parsed decision or error)."""
    claims = meta.get("expect") if isinstance(meta, dict) else None
    if not isinstance(claims, list):
        return ['meta.json has no "expect" list']
    if not claims:
        return ['meta.json\'s "expect" list is empty']
    return [f for f in (_check(c, output) for c in claims) if f is not None]


def corpus_dir(fallback):
    """The corpus directory: ARREARS_CORPUS when set, else `fallback`."""
    return pathlib.Path(os.environ.get("ARREARS_CORPUS") or fallback)


class Case:
    """One corpus case: its name, meta, policy text, case text and expected bytes."""

    def __init__(self, root, case_dir, digests):
        self.name = case_dir.name
        self.dir = case_dir
        self.meta = json.loads((case_dir / "meta.json").read_text(encoding="utf-8"))
        self.reference = self.meta["policy"]
        self.policy = ((root / self.reference).read_text(encoding="utf-8")
                       if self.reference.endswith(".json") else self.reference)
        self.case_text = (case_dir / "case.json").read_text(encoding="utf-8")
        self.expected = read_expected(case_dir)
        self.digests = digests

    def check(self, output):
        """(identical bytes, ["case: what failed", ...]) for an output text (decision or error)."""
        identical = (mask_digests(output)[0] + "\n").encode() == self.expected
        failed = []
        problem = digest_problem(self.digests, self.reference, output)
        if problem:
            failed.append(f"{self.name}: {problem}")
        try:
            parsed = json.loads(output)
        except ValueError:
            parsed = None
        failed += [f"{self.name}: {f}" for f in claim_failures(self.meta, parsed)]
        return identical, failed


def load_corpus(root):
    """Every case of a corpus directory, in name order."""
    root = pathlib.Path(root)
    digests_path = root / "digests.json"
    digests = json.loads(digests_path.read_text()) if digests_path.exists() else {}
    return [Case(root, d, digests) for d in sorted(p for p in (root / "cases").iterdir() if p.is_dir())]


def summary(surface, cases, outputs):
    """The summary line every surface prints for scripts/conformance.sh."""
    differ, failed, count = [], [], 0
    for case, out in zip(cases, outputs):
        identical, problems = case.check(out)
        if not identical:
            differ.append(case.name)
        failed += problems
        count += len(case.meta.get("expect") or [])
    return {"surface": surface, "cases": len(cases), "identical": len(cases) - len(differ),
            "differ": differ, "claims": count, "failed_claims": failed}
