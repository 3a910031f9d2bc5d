"""WebAssembly instructions a decision of the plain module executes, counted by wasmtime's fuel
(one unit per instruction): a measure of a module build that the machine's load cannot move, for
comparing builds where timing on a shared machine wanders by more than their difference.

    python3 scripts/module-fuel.py MODULE.wasm CASES.jsonl [POLICY]

Decides the first 16 cases once to settle what is set up lazily, then again, and prints the fuel
per decision of the second pass. Needs the `wasmtime` package (the `arrears` Python package's
dependency). The cases are those of scripts/bench.sh (`arrears gen ... > cases-N.jsonl`).
"""

import sys

import wasmtime


def main():
    module_path, cases_path = sys.argv[1], sys.argv[2]
    policy = (sys.argv[3] if len(sys.argv) > 3 else "cn-microloan").encode()
    config = wasmtime.Config()
    config.consume_fuel = True
    engine = wasmtime.Engine(config)
    store = wasmtime.Store(engine)
    store.set_fuel(10**15)
    exports = wasmtime.Instance(store, wasmtime.Module.from_file(engine, module_path), []).exports(store)
    memory = exports["memory"]

    def put(data):
        at = exports["arrears_alloc"](store, len(data))
        memory.write(store, data, at)
        return at

    created = exports["arrears_engine_new"](store, put(policy), len(policy))
    if exports["arrears_result_ok"](store, created) != 1:
        sys.exit(f"module-fuel: policy {policy.decode()!r} did not load")
    handle = exports["arrears_result_engine"](store, created)
    with open(cases_path, encoding="utf-8") as f:
        cases = [line.encode() for line in f.read().splitlines() if line.strip()][:16]
    at = [put(c) for c in cases]

    def decide_all():
        for p, c in zip(at, cases):
            exports["arrears_result_free"](store, exports["arrears_decide"](store, handle, p, len(c)))

    decide_all()
    before = store.get_fuel()
    decide_all()
    print((before - store.get_fuel()) // len(cases))


if __name__ == "__main__":
    main()
