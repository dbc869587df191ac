# shellcheck shell=bash
# What build-lin.sh and build-ev-emulator.sh share, sourced by them after their arguments are read:
# `script` (the name in messages), `root` and `out` set. Not a command of its own.

# The SDK from sdk.sh (a MODDABLE you set wins); its lin tools and the repo's tsc 6.0 first on PATH.
sdk_line="$("$root/tools/moddable/sdk.sh" | tail -1)"
export MODDABLE="${sdk_line#MODDABLE=}"
export PATH="$MODDABLE/build/bin/lin/release:$root/node_modules/.bin:$PATH"   # xsc, xsl...; tsc 6.0

# Makes `out` an existing absolute folder and holds its lock (fd 9) until the script ends: one
# build at a time per output folder.
lock_out() {
  mkdir -p "$out"
  out="$(cd "$out" && pwd)"
  exec 9>"$out/.build.lock"
  flock 9
}

# run_mcconfig LOG ARG...: mcconfig ARG... with its output in LOG; on failure, LOG's last lines
# (without mcconfig's echoed commands) and exit 1.
run_mcconfig() {
  local log="$1"
  shift
  if ! mcconfig "$@" >"$log" 2>&1; then
    grep -v '^# ' "$log" | tail -40 >&2
    echo "$script: mcconfig failed (log: $log)" >&2
    exit 1
  fi
}

# report_so SO: the last lines the callers read (MODDABLE=..., MC_SO=...), or exit 1 without an mc.so.
report_so() {
  if [ -z "$1" ]; then echo "$script: no mc.so under $out/bin/lin" >&2; exit 1; fi
  echo "MODDABLE=$MODDABLE"
  echo "MC_SO=$1"
}
