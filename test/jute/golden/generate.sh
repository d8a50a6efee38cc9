#!/usr/bin/env bash
# Regenerates the jute golden vectors (records.json, strings.json) in this
# directory from Apache ZooKeeper's own jars (Debian package `zookeeper` /
# `libzookeeper-java`, 3.8.0).
#
# usage: test/jute/golden/generate.sh [path/to/zookeeper.jute]
#
# The optional zookeeper.jute is only used to print a comparison between that
# file and the jar's record catalog; it never changes the generated files.
# Environment: ZK_JAVA_DIR (default /usr/share/java), JAVA_HOME (optional).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
java_dir="${ZK_JAVA_DIR:-/usr/share/java}"
jute_file="${1:-}"

die() { echo "generate.sh: $*" >&2; exit 1; }

jute_jar="$java_dir/zookeeper-jute.jar"
zk_jar="$java_dir/zookeeper.jar"
slf4j_jar="$java_dir/slf4j-api.jar"
for j in "$jute_jar" "$zk_jar"; do
  [[ -f "$j" ]] || die "missing $j -- install the Debian package: apt-get install zookeeper (or set ZK_JAVA_DIR)"
done
[[ -f "$slf4j_jar" ]] || die "missing $slf4j_jar -- install the Debian package: apt-get install libslf4j-java"

if [[ -n "${JAVA_HOME:-}" ]]; then
  javac="$JAVA_HOME/bin/javac"; java="$JAVA_HOME/bin/java"
else
  javac="$(command -v javac || true)"; java="$(command -v java || true)"
fi
[[ -n "$javac" && -x "$javac" ]] || die "javac not found (install a JDK, e.g. openjdk-17-jdk-headless)"
[[ -n "$java" && -x "$java" ]] || die "java not found"
if [[ -n "$jute_file" && ! -f "$jute_file" ]]; then die "no such jute file: $jute_file"; fi

version="$(unzip -p "$jute_jar" META-INF/maven/org.apache.zookeeper/zookeeper-jute/pom.properties 2>/dev/null \
  | sed -n 's/^version=//p' || true)"
echo "generate.sh: zookeeper-jute version ${version:-unknown} from $java_dir" >&2

# compile into a temp dir, never into the repository
build="$(mktemp -d "${TMPDIR:-/tmp}/jute-golden.XXXXXX")"
trap 'rm -rf "$build"' EXIT

cp="$jute_jar:$zk_jar:$slf4j_jar"
"$javac" -nowarn -encoding UTF-8 -d "$build" -cp "$cp" "$here/GoldenGen.java"

args=(--out "$here/records.json" --strings-out "$here/strings.json"
      --scan "$jute_jar" --scan "$zk_jar")
if [[ -n "$jute_file" ]]; then args+=(--jute "$jute_file"); fi
"$java" -Dfile.encoding=UTF-8 -cp "$build:$cp" GoldenGen "${args[@]}"
