"""A Python host for the arrears component, on the wasmtime package, without the arrears package:
what a loan system in Python would copy to call the component directly.

    python host.py decide COMPONENT POLICY CASE.json
    python host.py plan   COMPONENT POLICY CASE.json [DAYS]   # the contact plan, 7 days by default
    python host.py corpus COMPONENT CORPUS_DIR      # every corpus case: native bytes and claims
    python host.py bench  COMPONENT POLICY DIR [decide-many|decide]
                                                    # decisions/s over DIR/cases-N.jsonl: the
                                                    # whole file per decide-many call (default),
                                                    # or one decide call per case
"""

import json
import pathlib
import sys
import time

import wasmtime
from wasmtime import component


class Rules:
    """The component's `arrears:rules/decisions` interface, instantiated once."""

    def __init__(self, path):
        engine = wasmtime.Engine()
        self.store = wasmtime.Store(engine)
        comp = component.Component(engine, pathlib.Path(path).read_bytes())
        # The component imports nothing: an empty linker instantiates it.
        instance = component.Linker(engine).instantiate(self.store, comp)
        iface = instance.get_export_index(self.store, "arrears:rules/decisions@0.1.0")
        # Look the functions up once; each lookup reads the function's type.
        self.create = instance.get_func(self.store, instance.get_export_index(self.store, "[static]engine.create", iface))
        self.decide_fn = instance.get_func(self.store, instance.get_export_index(self.store, "[method]engine.decide", iface))
        self.decide_many_fn = instance.get_func(
            self.store, instance.get_export_index(self.store, "[method]engine.decide-many", iface))
        self.plan_fn = instance.get_func(self.store, instance.get_export_index(self.store, "[method]engine.plan", iface))

    def _call(self, f, *args):
        try:
            return f(self.store, *args)
        finally:
            f.post_return(self.store)

    def engine(self, policy):
        # result<engine, error> comes back untagged: a resource handle, or the error record.
        return self._call(self.create, policy)

    def decide(self, engine, case_json):
        return self._call(self.decide_fn, engine, case_json)

    def plan(self, engine, case_json, days):
        # days is a u32: the component refuses 0 and more than 31 itself (out_of_range at days).
        return self._call(self.plan_fn, engine, case_json, days)

    def decide_many(self, engine, cases_json):
        # One call for a list of cases: each wasmtime-py call costs tens of microseconds before
        # any deciding, so a portfolio goes in batches. One result per case, in order, untagged
        # like decide's: the decision text, or the error record for that case alone.
        return self._call(self.decide_many_fn, engine, cases_json)


def error_json(record):
    return json.dumps({"error": {"code": record.code, "path": record.path, "message": record.message}},
                      ensure_ascii=False, separators=(",", ":"))


def run(rules, policy, case_json, plan_days=None):
    """The decision's JSON text (the plan's, over `plan_days` days, when given), or the error
    object every surface writes."""
    engine = rules.engine(policy)
    if not isinstance(engine, component.ResourceAny):
        return error_json(engine)
    out = rules.decide(engine, case_json) if plan_days is None else rules.plan(engine, case_json, plan_days)
    engine.drop(rules.store)
    return out if isinstance(out, str) else error_json(out)


def corpus(rules, root):
    # Every case's output, one JSON line each, for `arrears corpus check`, which checks every
    # surface's outputs the same way. A host of your own needs only `run`.
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "tests" / "conformance"))
    import corpus as corpus_files

    cases = corpus_files.load_corpus(root)
    # A case whose meta.json holds "plan_days" is planned over that many days instead of decided.
    outputs = [run(rules, c.policy, c.case_text, c.plan_days) for c in cases]
    sys.stdout.write(corpus_files.output_lines("component (Python, wasmtime)", cases, outputs))


def bench(rules, policy, folder, call="decide-many"):
    engine = rules.engine(policy)
    budget = float(__import__("os").environ.get("BENCH_MS", "1000")) / 1000
    rows = []
    for history in (20, 200, 2000, 10000):
        cases = (pathlib.Path(folder) / f"cases-{history}.jsonl").read_text().splitlines()
        start, n = time.perf_counter(), 0
        while time.perf_counter() - start < budget:
            if call == "decide-many":
                n += len(rules.decide_many(engine, cases))
            else:
                for c in cases:
                    rules.decide(engine, c)
                    n += 1
        rows.append({"history": history, "decide_per_s": round(n / (time.perf_counter() - start))})
    print(json.dumps({"surface": f"wasmtime (Python, {call})", "rows": rows}))


if __name__ == "__main__":
    cmd = sys.argv[1:2]
    if cmd == ["decide"] and len(sys.argv) == 5:
        p = pathlib.Path(sys.argv[3])
        policy = p.read_text() if p.is_file() else sys.argv[3]
        print(run(Rules(sys.argv[2]), policy, pathlib.Path(sys.argv[4]).read_text()))
    elif cmd == ["plan"] and len(sys.argv) in (5, 6) and all(a.isdigit() for a in sys.argv[5:]):
        p = pathlib.Path(sys.argv[3])
        policy = p.read_text() if p.is_file() else sys.argv[3]
        days = int(sys.argv[5]) if len(sys.argv) == 6 else 7
        print(run(Rules(sys.argv[2]), policy, pathlib.Path(sys.argv[4]).read_text(), days))
    elif cmd == ["corpus"] and len(sys.argv) == 4:
        corpus(Rules(sys.argv[2]), sys.argv[3])
    elif cmd == ["bench"] and len(sys.argv) in (5, 6) and sys.argv[5:] in ([], ["decide-many"], ["decide"]):
        bench(Rules(sys.argv[2]), sys.argv[3], sys.argv[4], *sys.argv[5:])
    else:
        sys.exit(__doc__)
