#!/usr/bin/env bash
# Sourced by the hack scripts that build or run the operator: the build targets Java 25 (pom.xml
# maven.compiler.release) and the operator image's runtime is a jlink of the same JDK, so JAVA_HOME must be a JDK 25.
# Takes JAVA25_HOME, else JAVA_HOME when it is a JDK 25, else Temurin 25's Debian path; fails (never skips) otherwise.
# Exports JAVA_HOME and puts its bin/ first on PATH (tests that start `java` from PATH get the same JDK).
java25_home() {
  local candidate version
  for candidate in "${JAVA25_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64; do
    [[ -n $candidate && -x $candidate/bin/javac && -x $candidate/bin/jlink ]] || continue
    version=$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    [[ $version == 25 ]] && { printf '%s' "$candidate"; return 0; }
  done
  return 1
}
if ! JAVA_HOME=$(java25_home); then
  printf 'ERROR: a JDK 25 (with javac and jlink) is required: set JAVA25_HOME, or install Temurin 25 at %s\n' \
    /usr/lib/jvm/temurin-25-jdk-amd64 >&2
  exit 1
fi
export JAVA_HOME
export PATH=$JAVA_HOME/bin:$PATH
