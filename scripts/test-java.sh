#!/usr/bin/env bash
# The Java library on a fresh machine: checks the committed module against a fresh build, then
# `mvn verify` (Chicory's build-time compiler turns the module into JVM bytecode; JUnit runs the
# whole corpus byte for byte, the recorded bad inputs and eight threads on one engine), prints the
# test summary and the library's conformance line (its outputs through `arrears corpus check`:
# bytes, digests, claims), and runs the loan-system example. Java 17 and Maven come with the machine image; every plugin and dependency version is
# pinned in the poms and checked against the repository's checksums.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v mvn >/dev/null; then
  # Debian's Maven (and the JDK it depends on), when the machine has none (the machine image
  # provides Maven 3.8 and Java 17).
  apt-get update -qq && apt-get install -y -qq maven >/dev/null
fi
bash scripts/build-module.sh --check
start=$(date +%s)
mvn -B -q --strict-checksums -f bindings/java install
python3 - bindings/java/target/surefire-reports <<'PY'
import glob, sys, xml.etree.ElementTree as ET
run = failed = skipped = 0
for f in glob.glob(sys.argv[1] + "/TEST-*.xml"):
    s = ET.parse(f).getroot()
    run += int(s.get("tests")); skipped += int(s.get("skipped"))
    failed += int(s.get("failures")) + int(s.get("errors"))
print(f"Tests run: {run}, Failures: {failed}, Errors: 0, Skipped: {skipped}")
print(f"java: {run - failed - skipped} passed, {failed} failed")
sys.exit(1 if failed or not run else 0)
PY
java -cp "bindings/java/target/test-classes:bindings/java/target/classes:$(cat bindings/java/target/classpath.txt)" \
  dev.arrears.CorpusReport tests/conformance | cargo run -q --locked -p arrears-cli -- corpus check tests/conformance
mvn -B -q --strict-checksums -f examples/java-loan-system compile exec:java
echo "java: build, tests, corpus and example in $(( $(date +%s) - start )) s"
