#!/usr/bin/env bash
# Builds the EV emulator (tools/ev-emulator/manifest.json) for lin: the SDK's Linux host, XS 17,
# its pilot line simulated and its line protocol over TCP 127.0.0.1 (docs/hil-bench.md).
#   tools/moddable/build-ev-emulator.sh [--out DIR]
# Output: DIR (default build/ev-emulator) / bin/lin/.../ev-emulator/mc.so, printed on the last line as
# MC_SO=<path>. Incremental (mcconfig's makefile); one build at a time per output folder (flock).
# The SDK comes from tools/moddable/sdk.sh (a MODDABLE you set wins).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/build/ev-emulator"
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift ;;
    *) echo "build-ev-emulator.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
sdk_line="$("$root/tools/moddable/sdk.sh" | tail -1)"
export MODDABLE="${sdk_line#MODDABLE=}"
export PATH="$MODDABLE/build/bin/lin/release:$root/node_modules/.bin:$PATH"   # xsc, xsl...; tsc 6.0
mkdir -p "$out"
out="$(cd "$out" && pwd)"
exec 9>"$out/.build.lock"
flock 9
cd "$root/tools/ev-emulator"
log="$out/build.log"
if ! mcconfig -m -p lin -o "$out" manifest.json >"$log" 2>&1; then
  grep -v '^# ' "$log" | tail -40 >&2
  echo "build-ev-emulator.sh: mcconfig failed (log: $log)" >&2
  exit 1
fi
so="$(find "$out/bin/lin" -path '*release*' -path '*/ev-emulator/*' -name mc.so | head -1)"
if [ -z "$so" ]; then echo "build-ev-emulator.sh: no mc.so under $out/bin/lin" >&2; exit 1; fi
echo "MODDABLE=$MODDABLE"
echo "MC_SO=$so"
