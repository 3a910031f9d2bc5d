"""Whether a batch holds up the program's other threads: the longest gap of a thread that sleeps
a millisecond at a time, beside a loop of ``decide_json`` and beside ``decide_many_json`` of the
whole file, each for a third of the budget:

    python3 bindings/python/stall_bench.py POLICY DIR   (DIR holds cases-N.jsonl; BENCH_MS per row)

A host whose calls into the engine keep the interpreter's lock for their whole length would stall
every other thread for a whole batch (Go's collector waits that way on wazero: BENCHMARKS.md, "the
batch and Go's collector"). Prints {"surface", "rows"} with decide_stall_ms and
decide_many_stall_ms per history size.
"""

import json
import os
import pathlib
import sys
import threading
import time

import arrears


def worst_gap(work, budget):
    """Runs work repeatedly for budget seconds beside a ticking thread; its longest gap in ms."""
    longest, stop = [0.0], threading.Event()

    def tick():
        last = time.perf_counter()
        while not stop.is_set():
            time.sleep(0.001)
            now = time.perf_counter()
            longest[0] = max(longest[0], now - last)
            last = now

    ticker = threading.Thread(target=tick)
    ticker.start()
    end = time.perf_counter() + budget
    while time.perf_counter() < end:
        work()
    stop.set()
    ticker.join()
    return round(longest[0] * 1000, 1)


def main():
    policy, folder = sys.argv[1], pathlib.Path(sys.argv[2])
    budget = int(os.environ.get("BENCH_MS", "3000")) / 1000
    engine = arrears.Engine(policy)
    rows = []
    for history in (20, 200, 2000, 10000):
        path = folder / f"cases-{history}.jsonl"
        if not path.exists():
            continue
        cases = [line for line in path.read_text().splitlines() if line.strip()]
        rows.append({
            "history": history,
            "decide_stall_ms": worst_gap(lambda: [engine.decide_json(c) for c in cases], budget / 3),
            "decide_many_stall_ms": worst_gap(lambda: engine.decide_many_json(cases), budget / 3),
        })
    print(json.dumps({"surface": "wasmtime (Python)", "rows": rows}))


if __name__ == "__main__":
    main()
