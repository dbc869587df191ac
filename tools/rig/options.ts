// The rig options of `npm start` (--rig, --ev, --proxy-listen), checked apart from the rest so
// that a bad value gets a clear message before anything starts.
import { parseRigAddress, RigAddressError, type RigAddress } from "./address.ts";

export interface RigCliOptions {
  rig: RigAddress;
  ev?: RigAddress;
  proxyHost: string;
  proxyPort: number;
}

/** The `npm start` values that matter here (parseArgs's strings and booleans). */
export interface StartValues {
  rig?: string;
  ev?: string;
  "proxy-listen"?: string;
  [option: string]: string | boolean | undefined;
}

/** Options the simulator and lin targets take that mean nothing for a board provisioned on its own. */
const NOT_FOR_A_RIG = ["target", "chargers", "state-dir", "config", "tethered", "connectors", "device-id", "password"];

/** The rig options, undefined without --rig; throws RigAddressError with the message for the user. */
export function rigOptionsFrom(values: StartValues): RigCliOptions | undefined {
  if (values.rig === undefined) {
    for (const option of ["ev", "proxy-listen"])
      if (values[option] !== undefined) throw new RigAddressError(`--${option} needs --rig (it is part of a hardware rig)`);
    return undefined;
  }
  for (const option of NOT_FOR_A_RIG)
    if (values[option] !== undefined)
      throw new RigAddressError(
        `--${option} does not apply with --rig: the board runs as it is provisioned (npm run provision; docs/settings.md)`,
      );
  const rig = parseRigAddress(values.rig, "--rig");
  const ev = values.ev === undefined ? undefined : parseRigAddress(values.ev, "--ev");
  if (ev && ev.kind === rig.kind && JSON.stringify(ev) === JSON.stringify(rig))
    throw new RigAddressError("--ev and --rig name the same port: the EV emulator has its own");
  let proxyHost = "127.0.0.1";
  let proxyPort = 0;
  const listen = values["proxy-listen"];
  if (listen !== undefined) {
    const match = /^([A-Za-z0-9.-]+):(\d+)$/.exec(listen);
    const port = match ? Number(match[2]) : NaN;
    if (!match || port > 65535)
      throw new RigAddressError(`--proxy-listen must be <host>:<port> (e.g. 0.0.0.0:9000, 0 for a free port); '${listen}'`);
    proxyHost = match[1];
    proxyPort = port;
  }
  return { rig, ev, proxyHost, proxyPort };
}
