#!/usr/bin/env bash
# Runs one of the project's Spark jobs (the class given first) through spark-submit when SPARK_HOME is set, or on
# Spark from the build's own jars otherwise; submit/amtl-train and submit/amtl-score call it. Arguments after the
# class: [--master URL] [--config FILE] [--conf key=value]... [--spark-conf key=value]...
set -euo pipefail
main_class=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
jar="$root/spark-jobs/target/spark-jobs.jar"
lib="$root/spark-jobs/target/lib"

if [ ! -f "$jar" ] || [ -n "$(find "$root/pom.xml" "$root/amtl-core/src/main" "$root/spark-jobs/src/main" \
    "$root/amtl-core/pom.xml" "$root/spark-jobs/pom.xml" -newer "$jar" -print -quit 2>/dev/null)" ]; then
  echo "building (mvn package, tests skipped)..." >&2
  (cd "$root" && mvn -q -B -DskipTests package)
fi

master="local[*]"
job_args=()
spark_confs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --master) master="$2"; shift 2 ;;
    --spark-conf) spark_confs+=("$2"); shift 2 ;;
    *) job_args+=("$1"); shift ;;
  esac
done

export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
# With train.kernels=blas or auto and a native BLAS, one BLAS thread per task: a task slot is one core, and
# OpenBLAS's own threads would take the cores of the other slots (docs/running.md). Both can be overridden.
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
log_conf="-Dlog4j2.configurationFile=$here/log4j2.properties"

if [ -n "${SPARK_HOME:-}" ]; then
  extra_jars=$(ls "$lib"/amtl-core*.jar "$lib"/jfreechart*.jar | paste -sd, -)
  # The dense layers need the Vector API module on the driver and every executor (without it they run scalar,
  # several times slower); a user's own JVM options for either are kept and the flag is added to them.
  vector=--add-modules=jdk.incubator.vector
  driver_opts="$log_conf $vector"
  executor_opts="$vector"
  submit_confs=()
  for c in "${spark_confs[@]+"${spark_confs[@]}"}"; do
    case "$c" in
      spark.driver.extraJavaOptions=*) driver_opts="$driver_opts ${c#*=}" ;;
      spark.executor.extraJavaOptions=*) executor_opts="${c#*=} $vector" ;;
      *) submit_confs+=(--conf "$c") ;;
    esac
  done
  exec "$SPARK_HOME/bin/spark-submit" --master "$master" --class "$main_class" \
    --driver-java-options "$driver_opts" --conf "spark.executor.extraJavaOptions=$executor_opts" \
    --conf spark.executorEnv.OPENBLAS_NUM_THREADS=1 \
    --jars "$extra_jars" "${submit_confs[@]+"${submit_confs[@]}"}" \
    "$jar" "${job_args[@]+"${job_args[@]}"}"
fi

flags=$(grep -v '^#' "$here/java17-flags")
props=()
for c in "${spark_confs[@]+"${spark_confs[@]}"}"; do props+=("-D$c"); done
# shellcheck disable=SC2086 # the flags are one word each
exec java $flags ${JAVA_OPTS:-} "$log_conf" -Dspark.master="$master" "${props[@]+"${props[@]}"}" \
  -cp "$jar:$lib/*" "$main_class" "${job_args[@]+"${job_args[@]}"}"
