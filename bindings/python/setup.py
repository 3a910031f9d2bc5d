"""Build-time guard; the package's metadata is in pyproject.toml.

The package is a thin layer over the WebAssembly component `src/arrears/arrears.wasm`, which is
built from the Rust sources and is not in the repository. Without it a wheel would install and
fail at its first use, so the build stops here, saying how to make it.
"""

from pathlib import Path

from setuptools import setup

COMPONENT = Path(__file__).resolve().parent / "src" / "arrears" / "arrears.wasm"

if not COMPONENT.is_file() or COMPONENT.stat().st_size == 0:
    raise SystemExit(
        "\n"
        "arrears: src/arrears/arrears.wasm is missing, and the package is nothing without it.\n"
        "Build the WebAssembly component first, from the root of the arrears repository:\n"
        "\n"
        "    bash scripts/build-component.sh\n"
        "\n"
        "then install again (pip install bindings/python).\n"
    )

setup()
