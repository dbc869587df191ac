#!/usr/bin/env bash
# The Moddable SDK for lin builds: prints `MODDABLE=<dir>` on its last line.
#
# A MODDABLE set by the user wins (its tools must be built: build/bin/lin/release/mcconfig).
# Otherwise the SDK 8.2.3 tarball in ../shared/moddable-sdk/ is unpacked into .cache/moddable/
# (ignored by git) and its Linux tools are built once; later calls reuse them.
# Needs build-essential and libgtk-3-dev (xsbug and mcsim link GTK); .ci/run installs them.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
tarball="${MODDABLE_TARBALL:-$root/../shared/moddable-sdk/moddable-8.2.3.tar.xz}"
cache="${MODDABLE_CACHE:-$root/.cache/moddable}"

if [ -n "${MODDABLE:-}" ]; then
  sdk="$MODDABLE"
else
  sdk="$cache/moddable"
  if [ ! -f "$sdk/.unpacked" ]; then
    if [ ! -f "$tarball" ]; then
      echo "sdk.sh: no MODDABLE set and no SDK tarball at $tarball" >&2
      exit 2
    fi
    rm -rf "$sdk"
    mkdir -p "$cache"
    echo "sdk.sh: unpacking $(basename "$tarball") into $cache" >&2
    tar xJf "$tarball" -C "$cache"
    touch "$sdk/.unpacked"
  fi
fi

bin="$sdk/build/bin/lin/release"
if [ ! -x "$bin/mcconfig" ] || [ ! -x "$bin/mcsim" ] || [ ! -x "$bin/xsc" ] || [ ! -x "$bin/xsl" ]; then
  if [ -n "${MODDABLE:-}" ] && [ ! -w "$sdk/build" ]; then
    echo "sdk.sh: MODDABLE=$sdk has no built lin tools and is not writable" >&2
    exit 2
  fi
  echo "sdk.sh: building the Moddable lin tools (once; about 2 minutes)" >&2
  export MODDABLE="$sdk"
  export PATH="$bin:$PATH"
  # The makefile's release goal minus xsbug (its font assets are not in the subset): the XS
  # compiler and linker, serial2xsbug, mcconfig and friends, then mcsim (the lin host).
  {
    cd "$sdk/build/makefiles/lin" &&
    export XS_DIR="$sdk/xs" BUILD_DIR="$sdk/build" &&
    make GOAL=release -f "$sdk/xs/makefiles/lin/xsc.mk" &&
    make GOAL=release -f "$sdk/xs/makefiles/lin/xsid.mk" &&
    make GOAL=release -f "$sdk/xs/makefiles/lin/xsl.mk" &&
    make GOAL=release -f serial2xsbug.mk &&
    make GOAL=release -f tools.mk &&
    "$bin/mcconfig" -m -p x-lin "$sdk/tools/mcsim/manifest.json"
  } >"$cache.tools.log" 2>&1 || {
    tail -40 "$cache.tools.log" >&2
    echo "sdk.sh: tool build failed (log: $cache.tools.log)" >&2
    exit 1
  }
fi
echo "MODDABLE=$sdk"
