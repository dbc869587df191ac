// A child's stdout is block-buffered by C's stdio when it is a pipe: the firmware's log and the
// instrumented build's per-second samples would arrive in 4 KiB bursts, late. coreutils' `stdbuf
// -oL` makes it line-buffered (its preload library sets it before main); without stdbuf the
// command runs as it is.
import { spawnSync } from "node:child_process";

let stdbuf: boolean | undefined;

function hasStdbuf(): boolean {
  stdbuf ??= spawnSync("sh", ["-c", "command -v stdbuf"], { stdio: "ignore" }).status === 0;
  return stdbuf;
}

/** The command and arguments that run `command args` with a line-buffered stdout where stdbuf exists. */
export function lineBuffered(command: string, args: readonly string[]): { command: string; args: string[] } {
  return hasStdbuf() ? { command: "stdbuf", args: ["-oL", command, ...args] } : { command, args: [...args] };
}
