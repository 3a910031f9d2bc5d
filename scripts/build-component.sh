#!/usr/bin/env bash
# Builds the WASI component once: the arrears-wasi crate for wasm32-unknown-unknown (so it imports
# nothing), wrapped by wasm-tools into target/arrears.component.wasm, and copied into the Python
# package. Installs the pinned tools it needs: wasm-tools comes prebuilt from its Python package
# (seconds) rather than compiled from source (about ten minutes on two cores).
set -euo pipefail
cd "$(dirname "$0")/.."
rustup target add wasm32-unknown-unknown >/dev/null
bash scripts/tools.sh wasm-tools
cargo build -q -p arrears-wasi --target wasm32-unknown-unknown --profile wasm
# Cargo's output follows CARGO_TARGET_DIR when it is set; the component is always target/'s.
mkdir -p target
wasm-tools component new "${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/wasm/arrears_wasi.wasm" -o target/arrears.component.wasm
wasm-tools validate target/arrears.component.wasm
cp target/arrears.component.wasm bindings/python/src/arrears/arrears.wasm
echo "built target/arrears.component.wasm ($(wc -c < target/arrears.component.wasm) bytes)"
