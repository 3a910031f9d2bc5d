"""How long `arrears.Engine(...)` takes in a fresh Python process, without and with the cache of
the compiled component, in the same run:

    python3 bindings/python/startup_bench.py [RUNS]

Each run starts two processes on a new, empty cache directory: the first compiles the component
and fills the cache, the second loads the compiled copy. Prints one JSON line with the medians and
their ratio.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile

PROBE = (
    "import time, arrears; t = time.perf_counter(); arrears.Engine('cn-microloan'); "
    "print(time.perf_counter() - t)"
)


def engine_seconds(cache: str) -> float:
    env = dict(os.environ, ARREARS_CACHE_DIR=cache)
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, check=True, capture_output=True, text=True)
    return float(out.stdout)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    first, second = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as cache:
            first.append(engine_seconds(cache))
            second.append(engine_seconds(cache))
    a, b = statistics.median(first), statistics.median(second)
    print(json.dumps({
        "runs": runs,
        "first_process_engine_ms": round(a * 1000, 1),
        "second_process_engine_ms": round(b * 1000, 1),
        "speedup": round(a / b, 1),
    }))


if __name__ == "__main__":
    main()
