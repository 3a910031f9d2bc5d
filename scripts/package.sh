#!/usr/bin/env bash
# Builds, with pinned tools, every artifact a release publishes, into dist/ (not tracked):
#   dist/npm/arrears-V.tgz                           the npm package (npm pack)
#   dist/python/arrears-V-py3-none-any.whl           the Python wheel: the component inside, compiled
#                                                    ahead of time for this platform beside it
#   dist/maven/dev/arrears/arrears/V/                the jar, its pom, sources and javadoc jars, in
#                                                    a Maven repository's layout
#   dist/go/github.com/arrears-engine/arrears/bindings/go/@v/vV.{info,mod,zip}
#                                                    the Go module in the module proxy's layout
#   dist/cli/arrears-V-<target>.tar.gz               the command line for this platform
#   dist/SHA256SUMS                                  a digest of every file above
# Each step reuses what an earlier run or the test suite already built (cargo, npm and Maven are
# incremental; the tools are installed once). Nothing in the checkout changes.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
version=$(sed -n '/^version = "/{s/^version = "\(.*\)"/\1/p;q;}' Cargo.toml)
go_module=github.com/arrears-engine/arrears/bindings/go
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
dist="$root/dist"
rm -rf "$dist"
mkdir -p "$dist"/{npm,python,maven,go,cli}
stage="$CARGO_TARGET_DIR/package"
rm -rf "$stage"
mkdir -p "$stage"
step() { echo "== package: $*"; }

step "npm tarball"
bash scripts/tools.sh wasm-bindgen >/dev/null
(cd js && npm ci --no-audit --no-fund --silent && npm pack --silent --pack-destination "$dist/npm" >/dev/null)
[ -f "$dist/npm/arrears-$version.tgz" ] || { echo "npm pack wrote no arrears-$version.tgz" >&2; exit 1; }

step "Python wheel"
bash scripts/build-component.sh >/dev/null
python3 -m pip install -q --disable-pip-version-check "build==1.6.1" "wasmtime==50.0.1"
# Built from a copy, so the compiled component never lands in the checkout (where an install
# from source would then carry one platform's native code).
cp -r bindings/python "$stage/python"
rm -rf "$stage/python/build" "$stage/python"/src/*.egg-info
cp LICENSE "$stage/python/LICENSE"
PYTHONPATH="$stage/python/src" python3 -c 'import arrears, sys; print(arrears.precompile(sys.argv[1]).name)' "$stage/python/src/arrears" >/dev/null
python3 -m build -q --wheel --outdir "$dist/python" "$stage/python" >/dev/null
[ -f "$dist/python/arrears-$version-py3-none-any.whl" ] || { echo "no arrears-$version wheel" >&2; exit 1; }

step "Java jar, pom, sources and javadoc"
# The multi-release jar's Java 22 class and the native library for this platform need a Java 22+
# JDK to run Maven (scripts/java-homes.sh); without one the jar has the Java 17 path only.
source scripts/java-homes.sh
if [ -n "$jdk_ffm" ]; then
  bash scripts/build-native-lib.sh >/dev/null
  JAVA_HOME="$jdk_ffm" mvn -B -q --strict-checksums -f bindings/java -DskipTests -Prelease package
else
  echo "package: no Java 22+ JDK found: the jar holds only the Java 17 path (Chicory)" >&2
  mvn -B -q --strict-checksums -f bindings/java -DskipTests -Prelease package
fi
maven="$dist/maven/dev/arrears/arrears/$version"
mkdir -p "$maven"
for suffix in .jar -sources.jar -javadoc.jar; do
  cp "bindings/java/target/arrears-$version$suffix" "$maven/"
done
cp bindings/java/pom.xml "$maven/arrears-$version.pom"

step "Go module (module proxy layout)"
python3 scripts/go-module-zip.py "$go_module" "v$version" bindings/go "$dist/go"

step "command line"
cargo build -q --release --locked -p arrears-cli
triple=$(rustc -vV | sed -n 's/^host: //p')
mkdir -p "$stage/cli/arrears-$version-$triple"
cp "$CARGO_TARGET_DIR/release/arrears" LICENSE README.md "$stage/cli/arrears-$version-$triple/"
tar -C "$stage/cli" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 \
  -czf "$dist/cli/arrears-$version-$triple.tar.gz" "arrears-$version-$triple"

step "SHA256SUMS"
(cd "$dist" && find . -type f ! -name SHA256SUMS | sed 's|^\./||' | LC_ALL=C sort | xargs sha256sum > SHA256SUMS)
cat "$dist/SHA256SUMS"
