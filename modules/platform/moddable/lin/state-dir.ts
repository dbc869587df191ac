/**
 * The lin build's state directory: where its NVS (`nvs.json`) and flash
 * partitions (`<partition>.bin`) live, in the same formats as the Node
 * simulator's `--state-dir`, so one directory serves both. `OXS_STATE_DIR`
 * in the environment names it (the bench host sets it); default
 * `/tmp/oxs-lin-state`. A restart of the process is a power cut: flash and
 * NVS are kept, RAM is lost.
 */
import { getEnv, mkdirs } from "platform/moddable/lin/host";

let cached: string | undefined;

export function linStateDir(): string {
  if (cached === undefined) {
    const configured = getEnv("OXS_STATE_DIR");
    cached = configured !== undefined && configured.length > 0 ? configured : "/tmp/oxs-lin-state";
    mkdirs(cached);
  }
  return cached;
}
