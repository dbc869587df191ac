#!/usr/bin/env bash
# Builds the EV emulator (tools/ev-emulator/manifest.json) for lin: the SDK's Linux host, XS 17,
# its pilot line simulated and its line protocol over TCP 127.0.0.1 (docs/hil-bench.md).
#   tools/moddable/build-ev-emulator.sh [--out DIR]
# Output: DIR (default build/ev-emulator) / bin/lin/.../ev-emulator/mc.so, printed on the last line as
# MC_SO=<path>. Incremental (mcconfig's makefile); one build at a time per output folder (flock).
# The SDK comes from tools/moddable/sdk.sh (a MODDABLE you set wins).
set -euo pipefail
script=build-ev-emulator.sh
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/build/ev-emulator"
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift ;;
    *) echo "$script: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
# shellcheck source=lin-build.sh
. "$root/tools/moddable/lin-build.sh"
lock_out
cd "$root/tools/ev-emulator"
run_mcconfig "$out/build.log" -m -p lin -o "$out" manifest.json
so="$(find "$out/bin/lin" -path '*release*' -path '*/ev-emulator/*' -name mc.so | head -1)"
report_so "$so"
