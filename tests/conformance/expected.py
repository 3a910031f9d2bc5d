"""A corpus case's expected output from its two expected files (docs/conformance.md): each
``"@prose"`` of expected.json, in order, replaced by the text after the first space of the next
line of expected.prose. The same join as the core's conformance::expected and expected.mjs; needs only the standard
library."""

PLACEHOLDER = '"@prose"'


def join_expected(verdict, prose):
    """The output (digest masked, with its newline) the two parts were split from; None when
    expected.json's placeholders and expected.prose's lines are not as many."""
    texts = [line.split(" ", 1)[1] if " " in line else "" for line in prose.split("\n") if line]
    parts = verdict.split(PLACEHOLDER)
    if len(parts) != len(texts) + 1:
        return None
    return "".join(p + t for p, t in zip(parts, texts + [""]))


def read_expected(case_dir):
    """The expected output bytes of a case directory (a ``pathlib.Path``), or None when its two
    files do not join."""
    joined = join_expected((case_dir / "expected.json").read_bytes().decode(),
                           (case_dir / "expected.prose").read_bytes().decode())
    return None if joined is None else joined.encode()
