// `--ev ADDRESS`: the rig's EV side is our EV emulator (tools/ev-emulator/, docs/hil-bench.md),
// reached over TCP or a serial port, driven through its client. One emulator sits on one cable:
// connector 1; the bench's pilot-short fault is the emulator's CP-PE short, held across states.
import { connect } from "node:net";
import type { Duplex } from "node:stream";
import { BenchTargetUnsupported, type FaultKind, type PilotState } from "../bench-api/target.ts";
import type { RigAddress } from "./address.ts";
import type { EvActuator } from "./ev-actuator.ts";
import { evFaultFor, presentPilotState } from "./ev-actions.ts";
import { EvEmulatorClient } from "./ev-emulator-client.ts";

function openStream(address: RigAddress): Promise<Duplex> {
  if (address.kind === "tcp") {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: address.host, port: address.port });
      socket.once("connect", () => resolve(socket));
      socket.once("error", reject);
    });
  }
  return (async () => {
    let module: typeof import("serialport");
    try {
      module = await import("serialport");
    } catch (error) {
      throw new Error(`serial ports need the npm package 'serialport', which cannot be loaded here (${(error as Error).message})`);
    }
    const port = new module.SerialPort({ path: address.path, baudRate: address.baudRate, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
    return port;
  })();
}

function onlyConnectorOne(connectorId: number): void {
  if (connectorId !== 1) throw new BenchTargetUnsupported(`the EV emulator is on connector 1's cable, not on connector ${connectorId}`);
}

/** The EV emulator at `address` as the rig's EvActuator. */
export async function openEvEmulator(address: RigAddress): Promise<EvActuator> {
  const client = await EvEmulatorClient.connect(await openStream(address));
  let shortHeld = false;
  let lastDutyPercent: number | null = null;
  client.onReading((reading) => {
    lastDutyPercent = reading.dutyPercent;
  });
  return {
    async plug(connectorId: number): Promise<void> {
      onlyConnectorOne(connectorId);
      await client.plug();
    },
    async unplug(connectorId: number): Promise<void> {
      onlyConnectorOne(connectorId);
      await client.unplug();
    },
    async setState(connectorId: number, state: Exclude<PilotState, "A">): Promise<void> {
      onlyConnectorOne(connectorId);
      await presentPilotState(client, state, shortHeld);
    },
    async fault(connectorId: number, kind: FaultKind, active: boolean): Promise<void> {
      onlyConnectorOne(connectorId);
      const evFault = evFaultFor(kind);
      if (!evFault) throw new BenchTargetUnsupported(`the fault ${kind} is on the charger's side: an EV emulator cannot make it`);
      await client.fault(evFault, active);
      if (evFault === "short") shortHeld = active;
    },
    dutyPercent(connectorId: number): number | null {
      return connectorId === 1 ? lastDutyPercent : null;
    },
    close(): Promise<void> {
      client.close();
      return Promise.resolve();
    },
  };
}
