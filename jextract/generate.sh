#!/usr/bin/env bash
# Regenerates src/main/java/io/github/evasync/internal/libevent from libevent.h and libevent.full.symbols.
# Needs jextract on PATH (or $JEXTRACT) and the libevent 2.1 headers (Debian: libevent-dev).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
jextract=${JEXTRACT:-jextract}
pkg=io.github.evasync.internal.libevent
out="$root/src/main/java"
dir="$out/${pkg//.//}"

rm -rf "$dir"
# No -l: Native loads libevent itself and the generated code finds symbols through
# SymbolLookup.loaderLookup() (DESIGN.md, mechanism 1).
"$jextract" --target-package "$pkg" --header-class-name LibEvent --output "$out" \
  @"$here/libevent.full.symbols" "$here/libevent.h"

# jextract emits SymbolLookup.findOrThrow, which is Java 23; we compile with --release 22.
find "$dir" -name '*.java' -print0 | xargs -0 sed -i -E \
  's/([A-Za-z_][A-Za-z0-9_.]*)\.findOrThrow\(([^()]*)\)/\1.find(\2).orElseThrow(() -> new UnsatisfiedLinkError("unresolved symbol: " + \2))/g'
echo "generated $(find "$dir" -name '*.java' | wc -l) files in $dir"
