// The bench API's EV actions (tools/bench-api/API.md: POST /ev with a pilot state, POST /fault)
// as EV emulator commands, for a rig target that drives a real charger: states A-D are the
// emulator's resistors, E is its CP-PE short, F is the charger's own output (no EV can present
// it), and of the hardware faults only those on the EV's side of the cable exist on a rig.
import type { FaultKind, PilotState } from "../bench-api/target.ts";
import type { EvFaultKind } from "../ev-emulator/ev-network.ts";
import type { EvEmulatorClient, EvStatus } from "./ev-emulator-client.ts";

/** The EV emulator's fault for a bench fault kind; undefined: not on the EV's side (RCD, weld, meter, ...). */
export function evFaultFor(kind: FaultKind): EvFaultKind | undefined {
  if (kind === "diode") return "diode";
  if (kind === "pilot-short") return "short";
  return undefined;
}

/**
 * Makes the emulator present `state` (A-E) and returns its status; F throws. E plugs in if
 * needed (the short sits behind the plug); any other state removes the short unless the bench's
 * `pilot-short` fault holds it (`pilotShortFault`, as the bench link keeps it on the simulator).
 */
export async function presentPilotState(client: EvEmulatorClient, state: PilotState, pilotShortFault = false): Promise<EvStatus> {
  if (state === "F") throw new Error("state F is the charger's own -12 V: an EV cannot present it");
  if (state === "E") {
    if ((await client.status()).state === "A") await client.plug();
    return client.fault("short", true);
  }
  if (!pilotShortFault && (await client.status()).faults.includes("short")) await client.fault("short", false);
  return client.setState(state);
}
