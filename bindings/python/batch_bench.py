"""Decisions per second through the arrears package on the synthetic cases of scripts/bench.sh,
three ways in the same run: a loop of ``decide_json`` calls, ``decide_many_json`` (the component's
``decide-batch``, 256 cases per call), and the component's older ``decide-many`` called directly
(a result per case, each lifted by wasmtime-py), which ``decide_many_json`` used before:

    python3 bindings/python/batch_bench.py POLICY DIR   (DIR holds cases-N.jsonl; BENCH_MS per row)

The three take turns, a 24th of the budget each, eight times, so that a change in the
machine's load falls on all alike. Prints {"surface", "rows"} like every surface of bench.sh.
"""

import json
import os
import pathlib
import sys
import time

import arrears


def rate(step, cases, budget):
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < budget:
        n += step(cases)
    return n, time.perf_counter() - start


def main() -> None:
    policy, folder = sys.argv[1], pathlib.Path(sys.argv[2])
    budget = float(os.environ.get("BENCH_MS", "1000")) / 1000
    engine = arrears.Engine(policy)

    def loop(cases):
        for c in cases:
            engine.decide_json(c)
        return len(cases)

    def batch(cases):
        return len(engine.decide_many_json(cases))

    rt = arrears._Runtime.get()
    iface = rt.instance.get_export_index(rt.store, arrears._INTERFACE)
    results = rt.instance.get_func(rt.store, rt.instance.get_export_index(rt.store, "[method]engine.decide-many", iface))

    def per_result(cases):
        n = 0
        for start in range(0, len(cases), arrears._CHUNK_CASES):
            n += len(results(rt.store, engine._handle, cases[start : start + arrears._CHUNK_CASES]))
            results.post_return(rt.store)
        return n

    ways = {"decide_per_s": loop, "decide_many_per_s": batch, "decide_many_results_per_s": per_result}
    rows = []
    for history in (20, 200, 2000, 10000):
        path = folder / f"cases-{history}.jsonl"
        if not path.exists():
            continue  # a row the caller did not ask for
        cases = path.read_text().splitlines()
        batch(cases)
        totals = {k: [0, 0.0] for k in ways}
        for _ in range(8):
            for key, step in ways.items():
                n, took = rate(step, cases, budget / 24)
                totals[key][0] += n
                totals[key][1] += took
        row = {"history": history}
        row.update({k: round(n / t) for k, (n, t) in totals.items()})
        rows.append(row)
    print(json.dumps({"surface": "wasmtime (Python package)", "rows": rows}))


if __name__ == "__main__":
    main()
