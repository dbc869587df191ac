// Where a rig reaches a board (`--rig`) or the EV emulator (`--ev`): a serial device, or a TCP
// port (a lin firmware started on its own, listening, stands in for a board on the bench).

export type RigAddress = { kind: "serial"; path: string; baudRate: number } | { kind: "tcp"; host: string; port: number };

/** The bench link's default speed on a board (the firmware's `benchLinkBaud`). */
export const DEFAULT_BAUD = 115_200;

const BAUD_RATES = [9600, 19_200, 38_400, 57_600, 115_200, 230_400, 460_800, 921_600, 1_000_000, 2_000_000];

/** Thrown for an address that cannot be used; the message names the option and the accepted forms. */
export class RigAddressError extends Error {
  override name = "RigAddressError";
}

/**
 * Parses `serial:<device>[@<baud>]` (e.g. serial:/dev/ttyUSB0, serial:/dev/ttyACM0@921600) or
 * `tcp:<host>:<port>` (e.g. tcp:127.0.0.1:7000). `option` names the flag in the error.
 */
export function parseRigAddress(text: string, option = "--rig"): RigAddress {
  const forms = `${option} must be serial:<device>[@<baud>] or tcp:<host>:<port> (e.g. serial:/dev/ttyUSB0, tcp:127.0.0.1:7000)`;
  const fail = (why: string): never => {
    throw new RigAddressError(`${forms}; '${text}': ${why}`);
  };
  const colon = text.indexOf(":");
  const scheme = colon < 0 ? "" : text.slice(0, colon);
  const rest = colon < 0 ? "" : text.slice(colon + 1);
  if (scheme === "serial") {
    const at = rest.lastIndexOf("@");
    const path = at < 0 ? rest : rest.slice(0, at);
    if (!path.startsWith("/") || /\s/.test(path) || path.length < 2) fail("the device must be an absolute path such as /dev/ttyUSB0");
    let baudRate = DEFAULT_BAUD;
    if (at >= 0) {
      baudRate = Number(rest.slice(at + 1));
      if (!BAUD_RATES.includes(baudRate)) fail(`the baud rate must be one of ${BAUD_RATES.join(", ")}`);
    }
    return { kind: "serial", path, baudRate };
  }
  if (scheme === "tcp") {
    const at = rest.lastIndexOf(":");
    const host = at < 0 ? "" : rest.slice(0, at);
    const portText = at < 0 ? "" : rest.slice(at + 1);
    if (host === "" || !/^[A-Za-z0-9.-]+$/.test(host)) fail("give a host name or IPv4 address and a port");
    const port = Number(portText);
    if (!/^\d+$/.test(portText) || port < 1 || port > 65535) fail("the port must be a number from 1 to 65535");
    return { kind: "tcp", host, port };
  }
  return fail(scheme === "" ? "no scheme" : `unknown scheme '${scheme}'`);
}

/** The address as the user wrote it (for messages). */
export function describeRigAddress(address: RigAddress): string {
  return address.kind === "serial" ? `serial:${address.path}@${address.baudRate}` : `tcp:${address.host}:${address.port}`;
}
