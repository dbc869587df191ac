// Finds the Moddable SDK and builds the lin firmware through tools/moddable/build-lin.sh, and the EV
// emulator through tools/moddable/build-ev-emulator.sh (the SDK unpacked and its tools built once
// into .cache/moddable; mcconfig's incremental make after).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../xs/bundle.ts";

export interface LinBuild {
  /** The SDK folder (MODDABLE). */
  moddable: string;
  /** The app (the firmware, or the EV emulator): a shared object that mcsim loads. */
  mcSo: string;
  /** mcsim, the SDK's lin host that runs it. */
  mcsim: string;
  /** The simulators folder mcsim wants as its first argument. */
  simulators: string;
}

export const SDK_TARBALL = join(PROJECT_ROOT, "..", "shared", "moddable-sdk", "moddable-8.2.3.tar.xz");

function onPath(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

/** Why a lin build cannot run here, or undefined when it can (an SDK, a C compiler, GTK 3, Xvfb). */
export function linBuildUnavailable(): string | undefined {
  const moddable = process.env.MODDABLE;
  if (!moddable && !existsSync(SDK_TARBALL)) return `no Moddable SDK: MODDABLE is not set and ${SDK_TARBALL} is missing`;
  if (moddable && !existsSync(join(moddable, "build", "makefiles", "lin"))) return `MODDABLE=${moddable} is not a Moddable SDK`;
  if (!onPath("cc") || !onPath("make")) return "no C compiler or make (apt-get install build-essential)";
  if (spawnSync("pkg-config", ["--exists", "gtk+-3.0"], { stdio: "ignore" }).status !== 0)
    return "no GTK 3 development files (apt-get install libgtk-3-dev)";
  if (!onPath("Xvfb")) return "no Xvfb to run mcsim headless (apt-get install xvfb)";
  return undefined;
}

/**
 * Builds (incrementally) and returns the lin firmware; `instrument`: the instrumented variant;
 * `esp32Vm`: in Moddable's stock ESP32 XS machine (build/moddable-esp32vm).
 */
export function buildLinFirmware(options: { instrument?: boolean; esp32Vm?: boolean } = {}): LinBuild {
  const args: string[] = [];
  if (options.instrument) args.push("--instrument");
  if (options.esp32Vm) args.push("--esp32-vm");
  return runBuildScript("build-lin.sh", args);
}

/** Builds (incrementally, into build/ev-emulator) and returns the EV emulator's lin app (tools/ev-emulator, docs/hil-bench.md). */
export function buildLinEvEmulator(): LinBuild {
  return runBuildScript("build-ev-emulator.sh", []);
}

/** Runs one of tools/moddable's build scripts and reads the MODDABLE= and MC_SO= lines it ends with. */
function runBuildScript(script: string, args: readonly string[]): LinBuild {
  const result = spawnSync("bash", [join(PROJECT_ROOT, "tools", "moddable", script), ...args], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`lin build (${script}) failed:\n${result.stderr}${result.stdout}`.trim());
  const lines = result.stdout.trim().split("\n");
  const value = (name: string): string => {
    const line = lines.find((l) => l.startsWith(`${name}=`));
    if (!line) throw new Error(`lin build (${script}): no ${name} in its output`);
    return line.slice(name.length + 1);
  };
  const moddable = value("MODDABLE");
  return {
    moddable,
    mcSo: value("MC_SO"),
    mcsim: join(moddable, "build", "bin", "lin", "release", "mcsim"),
    simulators: join(moddable, "build", "simulators"),
  };
}
