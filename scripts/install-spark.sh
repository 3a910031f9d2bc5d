#!/usr/bin/env bash
# What arrears on Apache Spark needs, on a fresh machine: a Java runtime for Spark (Debian's, when
# the machine has none), pyspark and its Arrow and pandas (pinned), the component, and the arrears
# package with its `spark` extra. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

java_ok() { command -v java >/dev/null && java -version 2>&1 | grep -E 'version "(1[7-9]|[2-9][0-9])' > /dev/null; }
if ! java_ok; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Spark 4 needs Java 17 or later: the first headless runtime this Debian release has.
  for jre in openjdk-17-jre-headless openjdk-21-jre-headless openjdk-25-jre-headless; do
    if apt-cache show "$jre" >/dev/null 2>&1; then apt-get install -y -qq "$jre" >/dev/null; break; fi
  done
  java_ok || { echo "no Java 17+ runtime could be installed" >&2; exit 1; }
fi

python3 -m pip install -q --disable-pip-version-check \
  wasmtime==50.0.1 pytest==9.2.0 pyspark==4.3.0 py4j==0.10.9.9 pyarrow==26.0.1 pandas==2.3.3 numpy==2.4.6
[ -f bindings/python/src/arrears/arrears.wasm ] || bash scripts/build-component.sh
python3 -m pip install -q --disable-pip-version-check "./bindings/python[spark]"
