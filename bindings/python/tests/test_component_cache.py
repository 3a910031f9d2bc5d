"""The compiled-component cache: a second process loads the compiled component instead of
compiling it again, and nothing wrong with the cache ever changes a decision or fails a call.
(How much faster it starts is measured by startup_bench.py, not asserted here.)"""

import hashlib
import json
import os
import pathlib
import subprocess
import sys

import re

import pytest
import wasmtime

import arrears

REPO = pathlib.Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "tests" / "conformance"))
from expected import read_expected  # noqa: E402

CASE = REPO / "tests" / "conformance" / "cases" / "cn-spec-acceptance-dpd-23"
PROBE = (
    "import arrears, pathlib, sys; "
    "print(arrears.Engine('cn-microloan').decide_json(pathlib.Path(sys.argv[1]).read_text()))"
)


def _decide_in_new_process(cache: pathlib.Path) -> str:
    env = dict(os.environ, ARREARS_CACHE_DIR=str(cache))
    out = subprocess.run([sys.executable, "-c", PROBE, str(CASE / "case.json")], env=env, check=True, capture_output=True, text=True)
    # The corpus keeps the policy's digest apart (tests/conformance/digests.json): compare as it does.
    return re.sub(r'"digest":"sha256:[0-9a-f]{64}"', '"digest":"@digest"', out.stdout.strip())


def _expected() -> str:
    return read_expected(CASE).decode().rstrip("\n")


def _cached(cache: pathlib.Path):
    return sorted(cache.glob("arrears-*.cwasm"))


def test_the_first_process_fills_the_cache_and_the_second_reads_it(tmp_path):
    assert _decide_in_new_process(tmp_path) == _expected()
    files = _cached(tmp_path)
    assert len(files) == 1, files
    data = files[0].read_bytes()
    assert hashlib.sha256(data[:-32]).digest() == data[-32:], "the artefact ends with its own digest"
    before = files[0].stat().st_mtime_ns
    assert _decide_in_new_process(tmp_path) == _expected()
    assert _cached(tmp_path)[0].stat().st_mtime_ns == before, "the second process compiled again"


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty", "garbage"])
def test_a_damaged_cache_entry_is_compiled_again_and_replaced(tmp_path, damage):
    _decide_in_new_process(tmp_path)
    [path] = _cached(tmp_path)
    data = bytearray(path.read_bytes())
    if damage == "flip":
        data[len(data) // 2] ^= 0xFF
    elif damage == "truncate":
        data = data[: len(data) // 3]
    elif damage == "empty":
        data = bytearray()
    else:
        body = b"not a compiled component"
        data = bytearray(body + hashlib.sha256(body).digest())
    path.write_bytes(bytes(data))
    assert _decide_in_new_process(tmp_path) == _expected()
    fixed = path.read_bytes()
    assert hashlib.sha256(fixed[:-32]).digest() == fixed[-32:] and len(fixed) > 1000


def test_an_unwritable_cache_directory_only_costs_the_compilation(tmp_path):
    blocked = tmp_path / "a-file-not-a-directory"
    blocked.write_text("")
    assert _decide_in_new_process(blocked / "cache") == _expected()


def test_the_cache_can_be_turned_off(tmp_path, monkeypatch):
    monkeypatch.setenv("ARREARS_CACHE_DIR", "")
    assert arrears._cache_dir() is None


def test_a_package_without_its_component_says_how_to_build_it(tmp_path, monkeypatch):
    monkeypatch.setattr(arrears.resources, "files", lambda _package: tmp_path)
    with pytest.raises(arrears.ComponentMissing) as e:
        arrears._load_component(wasmtime.Engine())
    assert isinstance(e.value, arrears.ArrearsError)
    assert "bash scripts/build-component.sh" in str(e.value)
    assert json.loads(e.value.to_json())["error"]["code"] == "component_missing"


def test_a_component_compiled_at_build_time_is_loaded_and_nothing_is_compiled(tmp_path):
    # What the wheel's build does: the package with the component compiled beside it.
    package = tmp_path / "site" / "arrears"
    source = pathlib.Path(arrears.__file__).parent
    package.mkdir(parents=True)
    for name in ("__init__.py", "arrears.wasm", "py.typed"):
        (package / name).write_bytes((source / name).read_bytes())
    shipped = arrears.precompile(package)
    assert shipped.parent == package and shipped.name.startswith("arrears-")
    cache = tmp_path / "cache"
    env = dict(os.environ, ARREARS_CACHE_DIR=str(cache), PYTHONPATH=str(tmp_path / "site"))
    probe = "import arrears; print(arrears.__file__)\n" + PROBE.replace("import arrears, ", "import ")
    out = subprocess.run([sys.executable, "-c", probe, str(CASE / "case.json")], env=env, check=True, capture_output=True, text=True)
    where, decision = out.stdout.strip().split("\n", 1)
    assert pathlib.Path(where).parent == package
    assert re.sub(r'"digest":"sha256:[0-9a-f]{64}"', '"digest":"@digest"', decision) == _expected()
    assert not cache.exists(), "the first process compiled the component instead of loading the shipped copy"
