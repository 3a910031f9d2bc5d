#!/usr/bin/env bash
# The conformance corpus at $1 through the Java library built by scripts/test-java.sh, on each
# runtime it has: Java 17 on Chicory (the compiled classes), Java 17 on the native library through
# JNI when the build took the library in (-Darrears.runtime=native), and, when a Java 22+ JDK is
# found and the jar holds the native library, that JDK with native access on the native library
# through the Foreign Function and Memory API, loaded from the jar itself (the multi-release jar's
# Java 22 class). Writes `dev.arrears.CorpusReport`'s JSON lines, one surface per runtime.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="$(cd "$1" && pwd)"
source scripts/java-homes.sh
java_dir=bindings/java
deps="$(cat "$java_dir/target/classpath.txt")"
"$jdk17/bin/java" -Darrears.runtime=wasm -cp "$java_dir/target/test-classes:$java_dir/target/classes:$deps" dev.arrears.CorpusReport "$dir"
# Java 17 on the native library through JNI (opted into), when the build took the library in.
if [ -n "$(ls "$java_dir"/target/classes/dev/arrears/native/*/libarrears_module.so 2>/dev/null)" ]; then
  "$jdk17/bin/java" -Darrears.runtime=native -cp "$java_dir/target/test-classes:$java_dir/target/classes:$deps" dev.arrears.CorpusReport "$dir"
fi
jar="$(ffm_jar)"
if [ -n "$jar" ]; then
  "$jdk_ffm/bin/java" --enable-native-access=ALL-UNNAMED -Darrears.runtime=native \
    -cp "$java_dir/target/test-classes:$jar:$deps" dev.arrears.CorpusReport "$dir"
fi
