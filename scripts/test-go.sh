#!/usr/bin/env bash
# The Go library on a fresh machine: checks the committed module against a fresh build, then
# `go vet` and `go test` (the whole corpus byte for byte, the claims, the recorded bad inputs,
# concurrent use, also under the race detector when a C compiler is there), the HTTP example's
# test, and prints the library's conformance line. Go comes with the machine image; modules
# resolve from go.sum (checksums), read-only.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v go >/dev/null || { echo "go is not installed (the machine image provides Go 1.26)"; exit 1; }
bash scripts/build-module.sh --check
export GOFLAGS="${GOFLAGS:-} -mod=readonly"
start=$(date +%s)
(cd bindings/go && go vet ./... && go test -count=1 ./...)
if command -v cc >/dev/null; then
  (cd bindings/go && CGO_ENABLED=1 go test -count=1 -race -run 'Concurrent|ClosedEngine' .)
fi
(cd examples/go-http && go vet ./... && go test -count=1 ./...)
(cd bindings/go && go run ./cmd/corpus-report ../../tests/conformance)
echo "go: tests and corpus in $(( $(date +%s) - start )) s"
