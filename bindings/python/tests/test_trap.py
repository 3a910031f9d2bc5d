"""A trap is not the end of an engine: a call the component does not finish is an ArrearsError with
the code ``internal``, and the next call, on every engine of the thread, works.

The shipped component never traps on input, so the test builds its own with the test-only feature
``trap-trigger`` of ``bindings/wasi`` (``decide`` on the case text ``ARREARS-TRAP`` aborts)."""

import json
import os
import pathlib
import shutil
import subprocess

import pytest
import wasmtime
from wasmtime import component as _c

import arrears

REPO = pathlib.Path(__file__).resolve().parents[3]
EXAMPLE = REPO / "examples" / "cases" / "overdue-consumer-loan.json"


@pytest.fixture(scope="module")
def trapping_component(tmp_path_factory):
    if shutil.which("cargo") is None or shutil.which("wasm-tools") is None:
        pytest.skip("building the trapping component needs cargo and wasm-tools")
    subprocess.run(
        ["cargo", "build", "-q", "--locked", "-p", "arrears-wasi", "--features", "trap-trigger",
         "--target", "wasm32-unknown-unknown"],
        cwd=REPO,
        check=True,
    )
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR") or REPO / "target")
    if not target.is_absolute():
        target = REPO / target
    component = tmp_path_factory.mktemp("trap") / "arrears-trap.component.wasm"
    subprocess.run(
        ["wasm-tools", "component", "new",
         str(target / "wasm32-unknown-unknown" / "debug" / "arrears_wasi.wasm"), "-o", str(component)],
        check=True,
    )
    return component.read_bytes()


@pytest.fixture
def on_trapping_component(trapping_component):
    """Every instance of this thread, while the test runs, is of the trapping component."""
    saved = arrears._Runtime._engine, arrears._Runtime._component
    engine = wasmtime.Engine()
    arrears._Runtime._engine, arrears._Runtime._component = engine, _c.Component(engine, trapping_component)
    arrears._Runtime._local.runtime = None
    yield
    arrears._Runtime._engine, arrears._Runtime._component = saved
    arrears._Runtime._local.runtime = None


def test_a_trap_is_an_internal_error_and_every_engine_works_after_it(on_trapping_component):
    case = EXAMPLE.read_text()
    engine = arrears.Engine("cn-microloan")
    other = arrears.Engine("us-reg-f")
    want, want_other = engine.decide_json(case), other.plan_json(case, 3)
    for _ in range(2):
        with pytest.raises(arrears.ArrearsError) as trap:
            engine.decide_json("ARREARS-TRAP")
        assert trap.value.code == "internal"
        assert trap.value.path == ""
        assert "wasm trap" in trap.value.message
        assert json.loads(trap.value.to_json())["error"]["code"] == "internal"
        assert engine.decide_json(case) == want
        assert other.plan_json(case, 3) == want_other
        assert arrears.builtin_policies()


def test_a_trap_in_a_batch_is_an_internal_error_for_the_call(on_trapping_component):
    case = EXAMPLE.read_text()
    engine = arrears.Engine("cn-microloan")
    want = engine.decide_json(case)
    with pytest.raises(arrears.ArrearsError) as trap:
        engine.decide_many_json([case, "ARREARS-TRAP", case])
    assert trap.value.code == "internal"
    assert engine.decide_many_json([case, case]) == [want, want]
