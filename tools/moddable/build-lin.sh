#!/usr/bin/env bash
# Builds the lin firmware (the SDK's Linux host, XS 17) with the bench link compiled in.
#   tools/moddable/build-lin.sh [--instrument] [--esp32-vm] [--out DIR] [NAME=VALUE config...]
# --esp32-vm: Moddable's stock ESP32 XS machine (4,928 slots, 78,848-byte chunk, 512 stack slots,
# no growth) instead of lin's roomy one, into build/moddable-esp32vm: how the firmware lives in it.
# Its chunk heap is the ESP32's 78,848 bytes in this 64-bit host's terms, 91,136 bytes: the same
# live chunks take 1.156 times the bytes here (16-byte chunk headers, 8-byte rounding, slot and
# pointer arrays twice the size), measured on a wss session by host.c's chunkCensus (docs/memory.md).
# Output: DIR (default build/moddable) / bin/lin/<mode>/evse/mc.so, printed on the last line as
# MC_SO=<path>. Incremental: mcconfig's makefile recompiles only what changed. One build at a time
# per output folder (flock). The SDK comes from tools/moddable/sdk.sh (a MODDABLE you set wins).
set -euo pipefail
script=build-lin.sh
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/build/moddable"
flags=(-m -p lin)
mode=release
config=()
esp32vm=0
while [ $# -gt 0 ]; do
  case "$1" in
    --instrument) flags+=(-i); mode=instrument ;;
    --out) out="$2"; shift ;;
    --esp32-vm) esp32vm=1 ;;
    *=*) config+=("$1") ;;
    *) echo "$script: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
# shellcheck source=lin-build.sh
. "$root/tools/moddable/lin-build.sh"
manifest="$root/manifest.json"
if [ "$esp32vm" = 1 ]; then
  [ "$out" = "$root/build/moddable" ] && out="$root/build/moddable-esp32vm"
  mkdir -p "$out/esp32vm"
  # A manifest of ours that includes the firmware's and, parsed after it, sets the esp32 creation.
  node -e '
    const [root, out] = process.argv.slice(1);
    const lin = { creation: { chunk: { initial: 91136, incremental: 0 }, heap: { initial: 4928, incremental: 0 }, stack: 512 } };
    require("fs").writeFileSync(out + "/esp32vm/manifest.json", JSON.stringify({ include: [root + "/manifest.json"], platforms: { lin } }, null, 2));
  ' "$root" "$out"
  manifest="$out/esp32vm/manifest.json"
fi
lock_out
cd "$root"
run_mcconfig "$out/build-$mode.log" "${flags[@]}" -o "$out" "$manifest" benchLink=true "${config[@]}"
# mcconfig names the app after the manifest's build NAME ("evse"), whatever the checkout folder is called.
so="$(ls -t "$out"/bin/lin/"$mode"/evse/mc.so 2>/dev/null | head -1 || true)"
[ -z "$so" ] && so="$(find "$out/bin/lin" -path "*$mode*" -name mc.so | head -1)"
report_so "$so"
