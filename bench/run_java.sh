#!/usr/bin/env bash
# Compiles and runs the Java pipeline benchmark against the core module's classes.
#   bench/run_java.sh overhead|memory|file MODEL INPUT OUTPUT [tile margin]
#   bench/run_java.sh write FLOAT32_DB.tif SIZE OUT_DIR [REPS [LEVEL]]
#   bench/run_java.sh decode INPUT.tif [REPS]
# Environment: BENCH_JAVA_OPTS (default -Xmx1g), EO2SAR_BUILD (core output dir, default target).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${EO2SAR_BUILD:-target}"
core="$root/src/core/$build"
out="$root/bench/$build"
mkdir -p "$out/classes"
if [ ! -d "$core/classes" ]; then
  (cd "$root" && mvn -q -o -Deo2sar.build="$build" -f src/core/pom.xml compile)
fi
if [ ! -f "$out/classpath.txt" ]; then
  (cd "$root" && mvn -q -o -Deo2sar.build="$build" -f src/core/pom.xml dependency:build-classpath \
      -Dmdep.includeScope=runtime -Dmdep.outputFile="$out/classpath.txt")
fi
cp="$core/classes:$(cat "$out/classpath.txt")"
stamp="$out/classes/.built"
if [ ! -f "$stamp" ] || [ -n "$(find "$root/bench/java" -name '*.java' -newer "$stamp")" ]; then
  javac -d "$out/classes" -cp "$cp" $(find "$root/bench/java" -name '*.java')
  touch "$stamp"
fi
main=org.eo2sar.bench.PipelineBench
if [ "${1:-}" = write ]; then   # write FLOAT32_DB.tif SIZE OUT_DIR [REPS [LEVEL]]: the output writers alone
  main=org.eo2sar.bench.WriteBench
  shift
elif [ "${1:-}" = decode ]; then  # decode INPUT.tif [REPS]: input decoding alone
  main=org.eo2sar.bench.DecodeBench
  shift
fi
# shellcheck disable=SC2086
exec java ${BENCH_JAVA_OPTS:--Xmx1g} -cp "$out/classes:$cp" "$main" "$@"
