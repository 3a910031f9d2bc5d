#!/usr/bin/env bash
# Before and after in one run: decisions per second on native, Node (wasm-bindgen) and wasmtime
# (the Rust host), and heap allocations per decision, of an earlier commit and of this tree,
# measured back to back on the same synthetic cases so that only the ratios are read.
#
#   bash scripts/bench-compare.sh BASE [policy]      (BENCH_MS=1000 per measurement by default)
#
# BASE's builds are kept under target/bench-base/<commit>/ and reused by later runs; its tree is a
# temporary git worktree, built in target/bench-base/target/. The allocation counter (core/examples/allocs.rs) is this tree's, copied
# into BASE's when BASE predates it. Needs what scripts/bench.sh needs for the WebAssembly
# surfaces: js/node_modules (scripts/test-wasm.sh) and the pinned wasm-bindgen and wasm-tools.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
rev="$(git rev-parse "${1:?usage: bench-compare.sh BASE [policy]}^{commit}")"
policy="${2:-cn-microloan}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
out="$(mktemp -d)"
keep="$root/target/bench-base/$rev"

# Builds native, component and npm package of the tree in $1 into $2, with cargo's output in $3.
# Each tree has a target directory of its own: cargo names a path crate's artifacts and
# fingerprints by its path relative to the workspace, so in a shared directory the build of one
# tree found the other's core "fresh" (its sources older than the other's build) and linked it.
build() {
  local tree="$1" dest="$2" target="$3"
  mkdir -p "$dest"
  (cd "$tree" && CARGO_TARGET_DIR="$target" cargo build -q --locked --release -p arrears-core --example bench-native --example allocs)
  cp "$target/release/examples/bench-native" "$target/release/examples/allocs" "$dest/"
  (cd "$tree" && CARGO_TARGET_DIR="$target" bash scripts/build-component.sh >/dev/null)
  cp "$tree/target/arrears.component.wasm" "$dest/"
  # Each tree's own host: the host's bindings name every export of its tree's component, so a
  # newer host cannot instantiate an older component (a new export is missing from it).
  (cd "$tree/examples/rust-host" && cargo build -q --release --locked --target-dir "$root/examples/rust-host/target")
  cp "$root/examples/rust-host/target/release/rust-host" "$dest/"
  [ -e "$tree/js/node_modules" ] || ln -s "$root/js/node_modules" "$tree/js/node_modules"
  (cd "$tree/js" && CARGO_TARGET_DIR="$target" node scripts/build.mjs >/dev/null)
  rm -rf "$dest/js" && mkdir -p "$dest/js" && cp -r "$tree/js/dist" "$tree/js/bench" "$dest/js/"
  # The package's entry points import their dependencies by bare name: keep them resolvable.
  ln -sfn "$root/js/node_modules" "$dest/js/node_modules"
}

[ -d js/node_modules ] || (cd js && npm ci --no-audit --no-fund --silent)
if [ ! -f "$keep/allocs" ] || [ ! -f "$keep/js/dist/node.js" ] || [ ! -f "$keep/arrears.component.wasm" ] || [ ! -f "$keep/rust-host" ]; then
  tree="$out/base-tree"
  git worktree add --detach -q "$tree" "$rev"
  trap 'git -C "$root" worktree remove --force "$tree"' EXIT
  [ -f "$tree/core/examples/allocs.rs" ] || cp core/examples/allocs.rs "$tree/core/examples/"
  build "$tree" "$keep" "$root/target/bench-base/target"
fi
build "$root" "$out/head" "$CARGO_TARGET_DIR"

cargo build -q --locked --release -p arrears-cli
for h in 20 200 2000 10000; do
  n=64; [ "$h" -ge 2000 ] && n=8
  "$CARGO_TARGET_DIR/release/arrears" gen --accounts "$n" --seed 1 --history "$h" --buckets uniform > "$out/cases-$h.jsonl"
done

# Interleaved, before then after on each surface, so that a change in the machine's load hits
# both alike.
for surface in native allocs node wasmtime; do
  for side in base head; do
    dir="$keep"; [ "$side" = head ] && dir="$out/head"
    case "$surface" in
      native) "$dir/bench-native" "$policy" > "$out/$side-native.json" ;;
      allocs) "$dir/allocs" "$policy" > "$out/$side-allocs.json" ;;
      node) node "$dir/js/bench/bench.mjs" "$policy" "$out" > "$out/$side-node.json" ;;
      wasmtime) "$dir/rust-host" bench "$dir/arrears.component.wasm" "$policy" "$out" > "$out/$side-wasmtime.json" ;;
    esac
  done
done

python3 - "$out" "$rev" <<'PY'
import json, os, sys
out, rev = sys.argv[1], sys.argv[2]
load = lambda side, s: json.load(open(os.path.join(out, f"{side}-{s}.json")))
print(f"before: {rev[:7]}, after: the working tree")
print()
print("| surface | history | before decisions/s | after decisions/s | after / before |")
print("|---|---:|---:|---:|---:|")
for s in ["native", "node", "wasmtime"]:
    b, a = load("base", s), load("head", s)
    for rb, ra in zip(b["rows"], a["rows"]):
        x, y = rb["decide_per_s"], ra["decide_per_s"]
        print(f"| {a['surface']} | {ra['history']} | {x:,.0f} | {y:,.0f} | {y / x:.2f} |")
print()
print("| history | allocations/decision before | after | after / before | bytes/decision before | after | after / before | engine only: allocations before | after | after / before |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
b, a = load("base", "allocs"), load("head", "allocs")
for rb, ra in zip(b["rows"], a["rows"]):
    cells = [f"{ra['history']}"]
    for k in ["allocs_per_decision", "bytes_per_decision", "engine_allocs_per_decision"]:
        cells += [f"{rb[k]:,.0f}", f"{ra[k]:,.0f}", f"{ra[k] / rb[k]:.2f}"]
    print("| " + " | ".join(cells) + " |")
PY
