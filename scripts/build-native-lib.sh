#!/usr/bin/env bash
# Builds the plain module's crate (bindings/module) natively, as a shared library with the same
# exports and protocol as the WebAssembly module (docs/abi.md, "The native library"), and puts it
# where the Java library's build takes it into the jar:
#   target/native/<platform>/libarrears_module.so         (and its .sha256)
# and where the Go library embeds it for programs built with the arrears_native tag:
#   bindings/go/native/<platform>/libarrears_module.so
# The Java library on Java 22+ calls it through the Foreign Function and Memory API
# (bindings/java/README.md); the Go library through purego. The Go copy is committed (a `go get`
# user never builds Rust); with --check the script builds afresh and fails if the committed copy
# differs from the new build.
set -euo pipefail
cd "$(dirname "$0")/.."
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) platform=linux-x86_64; file=libarrears_module.so ;;
  *) echo "build-native-lib: no native library is shipped for $(uname -s)-$(uname -m); the Java and Go libraries use their WebAssembly paths there" >&2; exit 0 ;;
esac
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
# The toolchain is rust-toolchain.toml's; the paths of this checkout and of the cargo registry are
# remapped, as for the module, so they do not end up in the library's panic-location strings and
# two checkouts build the same bytes. The symbol table is stripped (a tenth of the file; the
# exports stay in the dynamic symbol table, which is all a loader reads).
# Its own target directory: these flags differ from the everyday build's.
export CARGO_TARGET_DIR=target/native-build
export RUSTFLAGS="--remap-path-prefix=$PWD=/arrears --remap-path-prefix=$cargo_home=/cargo"
export CARGO_PROFILE_RELEASE_STRIP=symbols
cargo build -q --locked --release -p arrears-module
built="target/native-build/release/$file"
mkdir -p "target/native/$platform"
cp "$built" "target/native/$platform/$file"
# Its SHA-256 beside it in the jar: the Java library keeps its copy of the library between JVMs in
# a cache directory named by it, so another version's copy is never taken for this one's.
(cd "target/native/$platform" && sha256sum "$file" > "$file.sha256")
go_copy="bindings/go/native/$platform/$file"
if [ "${1:-}" = "--check" ]; then
  if ! cmp -s "$built" "$go_copy"; then
    echo "$go_copy differs from a fresh build of the native library ($(sha256sum < "$built" | cut -c1-16) built); run scripts/build-native-lib.sh and commit it"
    exit 1
  fi
  echo "the committed native library is byte-identical to a fresh build"
else
  mkdir -p "$(dirname "$go_copy")"
  cp "$built" "$go_copy"
fi
echo "built target/native/$platform/$file ($(wc -c < "$built") bytes, sha256 $(sha256sum < "$built" | cut -c1-16))"
