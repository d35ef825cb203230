#!/usr/bin/env bash
# Builds evasync and the JMH suite, then runs it with the JDK 22+ that Maven's toolchain finds.
# Any arguments go to JMH (default: -f 2 -wi 3 -i 5 -w 2s -r 2s); e.g. bench/jmh.sh TimerBench
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -DskipTests install
args="${*:--f 2 -wi 3 -i 5 -w 2s -r 2s}"
mvn -q -B -f bench/pom.xml package exec:exec -Djmh.args="$args"
