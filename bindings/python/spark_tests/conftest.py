"""One local Spark session (two cores) for the whole suite: starting the JVM is the slow part."""

import os
import pathlib
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[3]
# spark_corpus_report and the portfolio job, for the driver and for the Python workers Spark starts.
_PATHS = [str(REPO / "bindings" / "python"), str(REPO / "examples" / "spark")]
sys.path[:0] = _PATHS
os.environ["PYTHONPATH"] = os.pathsep.join(_PATHS + [p for p in [os.environ.get("PYTHONPATH")] if p])


@pytest.fixture(scope="session")
def spark():
    from spark_corpus_report import session

    s = session("local[2]")
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()


@pytest.fixture(scope="session")
def cli():
    """The native `arrears` command (scripts/test-spark.sh builds it), the reference the Spark
    results are held to."""
    path = pathlib.Path(os.environ.get("ARREARS_CLI", REPO / "target" / "debug" / "arrears"))
    assert path.exists(), f"{path} is missing: cargo build -p arrears-cli (or set ARREARS_CLI)"

    def run(*args, stdin=None):
        return subprocess.run([str(path), *args], input=stdin, capture_output=True, check=False)

    return run


@pytest.fixture(scope="session")
def portfolio(tmp_path_factory, cli):
    """A generated portfolio of 3,000 accounts as JSON Lines, with three bad lines among them."""
    lines = cli("gen", "--accounts", "3000", "--seed", "7").stdout.decode().splitlines()
    assert len(lines) == 3000
    lines[10] = "{"
    lines[1500] = '{"as_of":"2026-03-10T14:30:00"}'
    lines[2999] = "[]"
    path = tmp_path_factory.mktemp("portfolio") / "cases.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path
