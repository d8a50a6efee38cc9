#!/usr/bin/env bash
# Runs JuteBench.java (the jute.bench.ts scenarios through ZooKeeper's own Java jute) for
# comparison. Needs a JDK and the Debian zookeeper 3.8 jars (apt-get install zookeeper).
#
# usage: benchmarks/jute-java.sh [--seconds 3] [--rounds 5] [--warmup 3]
# Environment: ZK_JAVA_DIR (default /usr/share/java), JAVA_HOME (optional).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
java_dir="${ZK_JAVA_DIR:-/usr/share/java}"
die() { echo "jute-java.sh: $*" >&2; exit 1; }

cp="$java_dir/zookeeper-jute.jar:$java_dir/zookeeper.jar"
for j in "$java_dir/zookeeper-jute.jar" "$java_dir/zookeeper.jar"; do
  [[ -f "$j" ]] || die "missing $j -- apt-get install zookeeper (or set ZK_JAVA_DIR)"
done
if [[ -n "${JAVA_HOME:-}" ]]; then
  javac="$JAVA_HOME/bin/javac"; java="$JAVA_HOME/bin/java"
else
  javac="$(command -v javac || true)"; java="$(command -v java || true)"
fi
[[ -n "$javac" && -x "$javac" ]] || die "javac not found (install a JDK, e.g. openjdk-17-jdk-headless)"

# compile into a temp dir, never into the repository
build="$(mktemp -d "${TMPDIR:-/tmp}/jute-bench.XXXXXX")"
trap 'rm -rf "$build"' EXIT
"$javac" -nowarn -encoding UTF-8 -d "$build" -cp "$cp" "$here/JuteBench.java"
"$java" -cp "$build:$cp" JuteBench "$@"
