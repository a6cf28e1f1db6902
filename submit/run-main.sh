#!/usr/bin/env bash
# Shared by the launchers: runs a main class of spark-jobs from the build's jars (building first when the jar is
# missing), with the JVM flags Spark needs on Java 17 and the job's logging.  Usage: run-main.sh CLASS [ARGS...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
jar="$root/spark-jobs/target/spark-jobs.jar"
if [ ! -f "$jar" ]; then
  (cd "$root" && mvn -q -B -DskipTests package)
fi
class="$1"
shift
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
# shellcheck disable=SC2046,SC2086 # the flags are one word each
exec java $(grep -v '^#' "$here/java17-flags") ${JAVA_OPTS:-} "-Dlog4j2.configurationFile=$here/log4j2.properties" \
  -cp "$jar:$root/spark-jobs/target/lib/*" "$class" "$@"
