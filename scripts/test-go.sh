#!/usr/bin/env bash
# The Go library on a fresh machine: checks the committed module and the committed native library
# against fresh builds, then `go vet` and `go test` (the whole corpus byte for byte, the recorded
# bad inputs, concurrent use, also under the race detector when a C compiler is there) on each
# runtime, wazero and the native library (the arrears_native tag, built without cgo as a user's
# CGO_ENABLED=0 program would be), the HTTP example's test, and prints the library's conformance
# line for each runtime (its outputs through `arrears corpus check`: bytes, digests, claims). Go comes with the machine image (Debian's is
# installed when it is missing); modules resolve from go.sum (checksums), read-only.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v go >/dev/null; then
  # Debian's Go, when the machine has none (the machine image provides Go 1.26).
  apt-get update -qq && apt-get install -y -qq golang >/dev/null
fi
# Debian 12's Go is 1.19, older than go.mod asks for and too old to fetch a newer toolchain
# itself: say what is needed instead of failing later in the build.
need=$(sed -n 's/^go \([0-9.]*\)$/\1/p' bindings/go/go.mod)
have=$(go env GOVERSION | sed 's/^go//')
if [ "$(printf '%s\n%s\n' "$need" "$have" | sort -V | head -1)" != "$need" ]; then
  echo "Go $have is installed; bindings/go needs Go $need or later (install it from the Go project's downloads)" >&2
  exit 1
fi
bash scripts/build-module.sh --check
# The native library is only shipped for linux-x86_64; elsewhere the script says so and the
# tagged runs below would need ARREARS_NATIVE_LIBRARY.
bash scripts/build-native-lib.sh --check
native=false
[ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] && native=true
export GOFLAGS="${GOFLAGS:-} -mod=readonly"
start=$(date +%s)
(cd bindings/go && go vet ./... && go test -count=1 ./...)
if $native; then
  (cd bindings/go && go vet -tags arrears_native ./... && CGO_ENABLED=0 go test -tags arrears_native -count=1 ./...)
fi
if command -v cc >/dev/null; then
  (cd bindings/go && CGO_ENABLED=1 go test -count=1 -race -run 'Concurrent|ClosedEngine|Parallel' .)
  if $native; then
    (cd bindings/go && CGO_ENABLED=1 go test -tags arrears_native -count=1 -race -run 'Concurrent|ClosedEngine|Parallel' .)
  fi
fi
(cd examples/go-http && go vet ./... && go test -count=1 ./...)
(cd bindings/go && go run ./cmd/corpus-report ../../tests/conformance) |
  cargo run -q --locked -p arrears-cli -- corpus check tests/conformance
if $native; then
  (cd bindings/go && CGO_ENABLED=0 go run -tags arrears_native ./cmd/corpus-report ../../tests/conformance) |
    cargo run -q --locked -p arrears-cli -- corpus check tests/conformance
fi
echo "go: tests and corpus in $(( $(date +%s) - start )) s"
