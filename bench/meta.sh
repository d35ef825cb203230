#!/usr/bin/env bash
# Prints what a benchmark ran on, as key=value lines for bench/report.py: date, CPU, cores,
# memory, OS, JDK (the java given), libevent, Netty, Vert.x, wrk and gcc versions.
#   bench/meta.sh JAVA
set -euo pipefail
cd "$(dirname "$0")/.."
java=$1
echo "date=$(date -u +%Y-%m-%d)"
echo "cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
echo "cores=$(nproc)"
echo "memory=$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)"
echo "os=$(. /etc/os-release && echo "$PRETTY_NAME"), Linux $(uname -r)"
echo "jdk=$("$java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.vm.vendor/ {v=$2} /java.runtime.version/ {r=$2} END {print v " " r}')"
echo "libevent=$(dpkg-query -W -f='${Version}' libevent-core-2.1-7 2>/dev/null || pkg-config --modversion libevent)"
echo "netty=$(sed -n 's:.*<netty.version>\(.*\)</netty.version>.*:\1:p' bench/pom.xml)"
echo "vertx=$(grep -A1 '<artifactId>vertx-core</artifactId>' bench/pom.xml | sed -n 's:.*<version>\(.*\)</version>.*:\1:p')"
echo "wrk=$(wrk -v 2>&1 | awk 'NR == 1 {print $2}')"
echo "gcc=$(gcc -dumpfullversion)"
