/**
 * The EV emulator as the lin build runs it (the SDK's Linux host, XS 17):
 * the relays and the capture are the simulated pilot line (its charger
 * model driven by the `sim` command), and the line protocol runs over TCP:
 * the emulator dials 127.0.0.1:$OXS_EV_LINK_PORT, where the host listens
 * (tools/lin/ev-emulator.ts), and dials again 1 s after a loss.
 */
import Time from "time";
import { getEnv } from "platform/moddable/lin/host";
import { Ecma419TcpClient } from "platform/moddable/tcp-419";
import { ModdableTimers } from "platform/moddable/timers";
import { EvEmulator } from "ev-emulator/emulator";
import { EV_EMULATOR_VERSION, emulatorSettings } from "ev-emulator/emulator-config";
import { SimulatedPilotLine } from "ev-emulator/sim-line";
import { TcpLineLink } from "ev-emulator/tcp-line-link";

export function startEvEmulator(config: Readonly<Record<string, unknown>>): void {
  const log = (message: string): void => trace(`${message}\n`);
  const timers = new ModdableTimers();
  const line = new SimulatedPilotLine();
  const emulator = new EvEmulator({
    switches: line,
    probe: line,
    timers,
    nowMs: () => Time.ticks,
    calibration: emulatorSettings(config, log).calibration,
    version: EV_EMULATOR_VERSION,
    simCharger: line,
    log,
  });
  emulator.start();
  const port = Number(getEnv("OXS_EV_LINK_PORT"));
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    log("ev-emulator: OXS_EV_LINK_PORT is not set: no link");
    return;
  }
  // An address, not a name: the resolver answers it without a DNS server.
  new TcpLineLink({ tcp: new Ecma419TcpClient(["127.0.0.1"]), timers, host: "127.0.0.1", port, emulator, log }).start();
  log(`ev-emulator: dialling 127.0.0.1:${port}`);
}
