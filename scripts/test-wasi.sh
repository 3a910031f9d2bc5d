#!/usr/bin/env bash
# The WASI component on a fresh machine: build it once, check it imports nothing, run the whole
# conformance corpus through three independent hosts (Rust on the wasmtime crate, Python on the
# wasmtime package, Node through jco) and the Python package, and print the conformance table.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/build-component.sh
bash scripts/check-component-imports.sh target/arrears.component.wasm
cargo clippy -q --locked -p arrears-wasi --target wasm32-unknown-unknown -- -D warnings

echo "== Python: the wasmtime package, the arrears package and its tests"
python3 -m pip install -q --disable-pip-version-check wasmtime==50.0.1 pytest==9.2.0
python3 -m pip install -q --disable-pip-version-check ./bindings/python
python3 -c "import arrears; print('arrears', arrears.version(), arrears.builtin_policies())"
# Each host's runner writes its outputs; the one checker holds them to the corpus.
check="cargo run -q --locked -p arrears-cli -- corpus check tests/conformance"
python3 examples/python-host/host.py corpus target/arrears.component.wasm tests/conformance | $check
python3 -m pytest -q bindings/python/tests

echo "== Node: the component transpiled by jco"
# npm ci installs exactly the lock and never rewrites it (the lock lists every platform's optional
# binaries, as `npm install` writes it, or npm ci refuses it).
(cd examples/js-host && npm ci --no-audit --no-fund --silent && npx jco transpile ../../target/arrears.component.wasm -o generated --name arrears --quiet)
node examples/js-host/corpus.mjs tests/conformance | $check

echo "== Rust: the wasmtime crate (its own workspace and profile)"
start=$(date +%s)
(cd examples/rust-host && cargo build -q --locked --release)
echo "rust-host build: $(( $(date +%s) - start )) s"
examples/rust-host/target/release/rust-host corpus target/arrears.component.wasm tests/conformance | $check

echo "== one plan through every host and the package: the same bytes"
case=examples/cases/overdue-consumer-loan.json
plans="$(mktemp -d)"
python3 examples/python-host/host.py plan target/arrears.component.wasm cn-microloan "$case" 3 > "$plans/python-host"
node examples/js-host/plan.mjs cn-microloan "$case" 3 > "$plans/js-host"
examples/rust-host/target/release/rust-host plan target/arrears.component.wasm cn-microloan "$case" 3 > "$plans/rust-host"
python3 -c 'import arrears, sys; print(arrears.Engine("cn-microloan").plan_json(open(sys.argv[1]).read(), 3))' "$case" > "$plans/package"
python3 - "$plans" <<'PY'
import json, pathlib, sys
outs = {p.name: p.read_bytes() for p in sorted(pathlib.Path(sys.argv[1]).iterdir())}
plan = json.loads(outs["package"])
assert plan["days"] == 3 and plan["candidates"], plan
assert len(set(outs.values())) == 1, "the hosts' plans differ: " + ", ".join(f"{k} {len(v)} bytes" for k, v in outs.items())
print(f"plan over 3 days: {len(plan['candidates'])} candidates, identical on {', '.join(outs)}")
PY
rm -rf "$plans"

echo "== every surface"
ARREARS_SURFACES=14 bash scripts/conformance.sh
