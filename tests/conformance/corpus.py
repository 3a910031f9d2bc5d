"""What every Python runner of the conformance corpus shares (the package's tests,
bindings/python/corpus_report.py, the Spark and HTTP service runners,
examples/python-host/host.py): reading the corpus and writing outputs. A runner only produces
outputs; `arrears corpus check` holds them against the expected bytes, the digests and the claims,
the one checker for every surface (docs/conformance.md). Standard library only.

A runner imports it by path:

    sys.path.insert(0, str(CORPUS_DIR_OF_THE_REPOSITORY))
    import corpus
"""

import json
import os
import pathlib
import re

from expected import read_expected

_DIGEST = re.compile(r'"digest":"sha256:([0-9a-fA-F]{64})"')


def mask_digests(output):
    """The output with every `"digest":"sha256:<64 hex>"` written `"digest":"@digest"`, and the
    digests: how a test compares an output with its expected bytes."""
    digests = []

    def mask(m):
        digests.append("sha256:" + m.group(1))
        return '"digest":"@digest"'

    return _DIGEST.sub(mask, output), digests


def corpus_dir(fallback):
    """The corpus directory: ARREARS_CORPUS when set, else `fallback`."""
    return pathlib.Path(os.environ.get("ARREARS_CORPUS") or fallback)


class Case:
    """One corpus case: its name, meta, policy text, case text, plan days and expected bytes."""

    def __init__(self, root, case_dir):
        self.name = case_dir.name
        self.dir = case_dir
        self.meta = json.loads((case_dir / "meta.json").read_text(encoding="utf-8"))
        self.reference = self.meta["policy"]
        self.policy = ((root / self.reference).read_text(encoding="utf-8")
                       if self.reference.endswith(".json") else self.reference)
        self.case_text = (case_dir / "case.json").read_text(encoding="utf-8")
        # A plan case (meta.json's "plan_days") is planned over that many days, not decided; a
        # value no host could pass is the checker's to report.
        self.plan_days = self.meta.get("plan_days")
        # The two expected files joined; empty when the case is not blessed yet or they do not
        # join, so every output differs from it.
        try:
            self.expected = read_expected(case_dir) or b""
        except OSError:
            self.expected = b""


def load_corpus(root):
    """Every case of a corpus directory, in name order."""
    root = pathlib.Path(root)
    return [Case(root, d) for d in sorted(p for p in (root / "cases").iterdir() if p.is_dir())]


def output_lines(surface, cases, outputs):
    """A runner's outputs as `arrears corpus check` reads them: one JSON line per case that has
    an output (a case left out is reported by the checker)."""
    return "".join(
        json.dumps({"surface": surface, "case": c.name, "output": out}) + "\n"
        for c, out in zip(cases, outputs)
        if out is not None
    )
