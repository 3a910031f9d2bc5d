#!/usr/bin/env bash
# The Java library on a fresh machine: checks the committed module against a fresh build, builds
# the native library (scripts/build-native-lib.sh), then `mvn install` (Chicory's build-time
# compiler turns the module into JVM bytecode; JUnit runs the whole corpus byte for byte, the
# recorded bad inputs and eight threads on one engine), prints the test summary and the library's
# conformance lines (its outputs through `arrears corpus check`: bytes, digests, claims), and runs
# the loan-system example. Java 17 and Maven come with the machine image; every plugin and
# dependency version is pinned in the poms and checked against the repository's checksums.
#
# Every runtime is tested: Maven runs on a Java 22+ JDK from /usr/lib/jvm (scripts/java-homes.sh),
# which compiles the Java 22 classes of the multi-release jar, runs the tests on Java 17 (Chicory),
# again on Java 17 with -Darrears.runtime=native (the native library through JNI, the pom's jni
# profile, active when the library is built), and again on that JDK with native access (the native
# library through the Foreign Function and Memory API). Without a Java 22+ JDK, only the Java 17
# runs are built and tested, and this says so.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v mvn >/dev/null; then
  # Debian's Maven (and the JDK it depends on), when the machine has none (the machine image
  # provides Maven 3.8 and Java 17).
  apt-get update -qq && apt-get install -y -qq maven >/dev/null
fi
bash scripts/build-module.sh --check
source scripts/java-homes.sh
start=$(date +%s)
rm -rf bindings/java/target/surefire-reports bindings/java/target/surefire-reports-native bindings/java/target/surefire-reports-jni
# The native library for both JNI (Java 17-21) and the FFM path (Java 22+).
bash scripts/build-native-lib.sh
if [ -n "$jdk_ffm" ]; then
  JAVA_HOME="$jdk_ffm" mvn -B -q --strict-checksums -f bindings/java install -Darrears.java17="$jdk17/bin/java"
else
  echo "test-java: no Java 22+ JDK in /usr/lib/jvm (or JAVA_FFM_HOME): building and testing only the Java 17 paths (Chicory, and the native library through JNI)"
  mvn -B -q --strict-checksums -f bindings/java install
fi
python3 - bindings/java/target/surefire-reports bindings/java/target/surefire-reports-jni bindings/java/target/surefire-reports-native <<'PY'
import glob, sys, xml.etree.ElementTree as ET
total = 0
bad = False
# The JNI run must have run wherever the native library was built for it.
built = glob.glob("target/native/*/libarrears_module.so")
for d, runtime in zip(sys.argv[1:], ["Java 17, Chicory", "Java 17, native library (JNI)", "Java 22+, native library"]):
    run = failed = skipped = 0
    version = None
    for f in glob.glob(d + "/TEST-*.xml"):
        s = ET.parse(f).getroot()
        run += int(s.get("tests")); skipped += int(s.get("skipped"))
        failed += int(s.get("failures")) + int(s.get("errors"))
        version = version or next((p.get("value") for p in s.iter("property") if p.get("name") == "java.version"), None)
    if run:
        print(f"Tests run: {run}, Failures: {failed}, Errors: 0, Skipped: {skipped} ({runtime}: java {version})")
    total += run - failed - skipped
    bad = bad or failed > 0 or (runtime == "Java 17, Chicory" and not run) or ("JNI" in runtime and built and not run)
print(f"java: {total} passed, {'some' if bad else 0} failed")
sys.exit(1 if bad else 0)
PY
bash scripts/java-corpus-report.sh tests/conformance | cargo run -q --locked -p arrears-cli -- corpus check tests/conformance
mvn -B -q --strict-checksums -f examples/java-loan-system compile exec:java
echo "java: build, tests, corpus and example in $(( $(date +%s) - start )) s"
