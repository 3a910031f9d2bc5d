#!/usr/bin/env bash
# Builds the plain module's crate (bindings/module) natively, as a shared library with the same
# exports and protocol as the WebAssembly module (docs/abi.md, "The native library"), and puts it
# where the Java library's build takes it into the jar:
#   target/native/<platform>/libarrears_module.so         (and its .sha256)
# The Java library on Java 22+ calls it through the Foreign Function and Memory API
# (bindings/java/README.md). The library is a build product, never committed.
set -euo pipefail
cd "$(dirname "$0")/.."
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) platform=linux-x86_64; file=libarrears_module.so ;;
  *) echo "build-native-lib: no native library is shipped for $(uname -s)-$(uname -m); the Java library uses its WebAssembly path there" >&2; exit 0 ;;
esac
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
# The toolchain is rust-toolchain.toml's; the paths of this checkout and of the cargo registry are
# remapped, as for the module, so they do not end up in the library's panic-location strings.
# Its own target directory: these flags differ from the everyday build's.
export CARGO_TARGET_DIR=target/native-build
export RUSTFLAGS="--remap-path-prefix=$PWD=/arrears --remap-path-prefix=$cargo_home=/cargo"
cargo build -q --locked --release -p arrears-module
mkdir -p "target/native/$platform"
cp "target/native-build/release/$file" "target/native/$platform/$file"
# Its SHA-256 beside it in the jar: the Java library keeps its copy of the library between JVMs in
# a cache directory named by it, so another version's copy is never taken for this one's.
(cd "target/native/$platform" && sha256sum "$file" > "$file.sha256")
echo "built target/native/$platform/$file ($(wc -c < "target/native/$platform/$file") bytes)"
