#!/usr/bin/env bash
# Builds evasync and the JMH suite, then runs it with the JDK 22+ that Maven's toolchain finds.
# Any arguments go to JMH (default: -f 2 -wi 3 -i 5 -w 2s -r 2s); e.g. bench/jmh.sh TimerBench
# A run of the whole suite with the default options rewrites RESULTS.md's JMH section
# (WRITE_RESULTS=0 to only print it). Raw results: bench/target/jmh.json
set -euo pipefail
cd "$(dirname "$0")/.."
java=$(bench/find-java.sh)
mvn -q -B -DskipTests install
args="${*:--f 2 -wi 3 -i 5 -w 2s -r 2s}"
mvn -q -B -f bench/pom.xml package exec:exec -Djmh.args="$args -rf json -rff $(pwd)/bench/target/jmh.json"
{ bench/meta.sh "$java"; echo "jmh_args=$args"; } > bench/target/jmh-meta.txt
if [ $# -eq 0 ] && [ "${WRITE_RESULTS:-1}" = 1 ]; then
  python3 bench/report.py jmh bench/target/jmh.json bench/target/jmh-meta.txt bench/RESULTS.md
else
  python3 bench/report.py jmh bench/target/jmh.json bench/target/jmh-meta.txt -
fi
