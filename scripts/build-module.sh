#!/usr/bin/env bash
# Builds the plain WebAssembly module (bindings/module for wasm32-unknown-unknown, profile wasm),
# checks it imports nothing, and copies it where the Java and Go libraries embed it:
#   bindings/java/src/main/wasm/arrears.wasm
#   bindings/go/arrears.wasm
# Both copies are committed (a `go get` user and a fresh `mvn verify` need them); with --check the
# script builds afresh and fails if either committed copy differs from the new build.
#
# The build is reproducible: paths of this checkout and of the cargo registry would otherwise end
# up in the module's panic-location strings, so they are remapped to fixed names.
set -euo pipefail
cd "$(dirname "$0")/.."
rustup target add wasm32-unknown-unknown >/dev/null 2>&1 || true
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
# Its own target directory: these flags differ from the other WebAssembly builds', and sharing
# one directory would rebuild both each time.
export CARGO_TARGET_DIR=target/module
export RUSTFLAGS="--remap-path-prefix=$PWD=/arrears --remap-path-prefix=$cargo_home=/cargo"
cargo build -q --locked -p arrears-module --target wasm32-unknown-unknown --profile wasm
built=target/module/wasm32-unknown-unknown/wasm/arrears_module.wasm
cp "$built" target/arrears.module.wasm
python3 scripts/check-module-imports.py target/arrears.module.wasm
destinations=(bindings/java/src/main/wasm/arrears.wasm bindings/go/arrears.wasm)
if [ "${1:-}" = "--check" ]; then
  for d in "${destinations[@]}"; do
    if ! cmp -s "$built" "$d"; then
      echo "$d differs from a fresh build of the module ($(sha256sum < "$built" | cut -c1-16) built); run scripts/build-module.sh and commit it"
      exit 1
    fi
  done
  echo "committed modules are byte-identical to a fresh build"
else
  for d in "${destinations[@]}"; do
    mkdir -p "$(dirname "$d")"
    cp "$built" "$d"
  done
fi
echo "built target/arrears.module.wasm ($(wc -c < "$built") bytes, sha256 $(sha256sum < "$built" | cut -c1-16))"
