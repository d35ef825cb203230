#!/usr/bin/env bash
# Prints the path of a java 22 or newer: $JAVA_HOME's if it is one, else the first under
# /usr/lib/jvm. Fails with a message when there is none.
for j in ${JAVA_HOME:-} /usr/lib/jvm/*; do
  [ -x "$j/bin/java" ] || continue
  v=$("$j/bin/java" -XshowSettings:properties -version 2>&1 | awk '/java.specification.version/ {print $3}')
  if [ "${v%%.*}" -ge 22 ] 2>/dev/null; then echo "$j/bin/java"; exit 0; fi
done
echo "no JDK 22+ found (set JAVA_HOME)" >&2
exit 1
