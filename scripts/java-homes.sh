# Sourced by the scripts that build or run the Java library. Sets:
#   jdk17     a Java 17 JDK (the library's default path, Chicory): JAVA17_HOME, else the first one
#             in /usr/lib/jvm, else the `java` on PATH's home
#   jdk_ffm   a Java 22+ JDK (the native library through the Foreign Function and Memory API):
#             JAVA_FFM_HOME, else the newest in /usr/lib/jvm; empty when there is none
#   built_jar() prints the built jar (bindings/java/target), or nothing
#   ffm_jar() prints the built jar when there is a Java 22+ JDK and the jar holds the Java 22
#             class of the native path; prints nothing otherwise
# A JDK's feature version is read from its `release` file.
jdk_feature() {
  sed -n 's/^JAVA_VERSION="\{0,1\}\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null | head -n 1
}
jdk17="${JAVA17_HOME:-}"
jdk_ffm="${JAVA_FFM_HOME:-}"
best=0
for home in /usr/lib/jvm/*/; do
  home="${home%/}"
  [ -x "$home/bin/javac" ] || continue
  feature="$(jdk_feature "$home")"
  [ -n "$feature" ] || continue
  if [ -z "${JAVA17_HOME:-}" ] && [ -z "$jdk17" ] && [ "$feature" = 17 ]; then jdk17="$home"; fi
  if [ -z "${JAVA_FFM_HOME:-}" ] && [ "$feature" -ge 22 ] && [ "$feature" -gt "$best" ]; then
    jdk_ffm="$home"; best="$feature"
  fi
done
if [ -z "$jdk17" ] && command -v java >/dev/null; then
  jdk17="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
fi
unset best feature home
# No `| grep -q` or `| head` here: the scripts that source this run under `set -o pipefail`, and
# a reader that stops early kills the writer with SIGPIPE, which fails the whole pipeline at
# random (the conformance run once lost its FFM surface that way).
built_jar() {
  local jar
  for jar in bindings/java/target/arrears-*.jar; do
    case "$jar" in *-sources.jar | *-javadoc.jar) continue ;; esac
    if [ -f "$jar" ]; then
      echo "$jar"
      return
    fi
  done
}
ffm_jar() {
  local jar
  jar="$(built_jar)"
  if [ -n "$jdk_ffm" ] && [ -n "$jar" ] &&
    unzip -l "$jar" | grep 'META-INF/versions/22/dev/arrears/NativeModule.class' > /dev/null; then
    echo "$jar"
  fi
}
