// Shared by the EV emulator suites: a capture of the simulated line turned into a reading, a sink
// that keeps every line the emulator sends, and the emulator run in Node behind a real TCP link
// on 127.0.0.1 (the lin build's wiring, on the host).
import { createServer, type Server, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { nominalCalibration } from "../../tools/ev-emulator/adc-front-end.ts";
import { EvEmulator } from "../../tools/ev-emulator/emulator.ts";
import { switchesFor, type EvSetup, type EvState } from "../../tools/ev-emulator/ev-network.ts";
import { readingFromCapture, type PilotCapture, type PilotReading } from "../../tools/ev-emulator/measurement.ts";
import type { LineSink, SimChargerSettings } from "../../tools/ev-emulator/ports.ts";
import type { EvLinkMessage } from "../../tools/ev-emulator/protocol.ts";
import { SimulatedPilotLine } from "../../tools/ev-emulator/sim-line.ts";
import { TcpLineLink } from "../../tools/ev-emulator/tcp-line-link.ts";
import { NodeTcpClient } from "platform/host/tcp-node";
import { HostTimers } from "platform/host/timers";

/** A setup: unplugged and no fault unless given. */
export function setup(fields: Partial<EvSetup> = {}): EvSetup {
  return { state: "A", diodeShorted: false, cpShorted: false, peBroken: false, cableA: null, ...fields };
}

export function captureOf(line: SimulatedPilotLine): PilotCapture {
  let captured: PilotCapture | undefined;
  line.capture((capture) => (captured = capture));
  if (!captured) throw new Error("the simulated line did not capture at once");
  return captured;
}

/** The reading the emulator would make of `line` with the charger model and setup given. */
export function readLine(charger: Partial<SimChargerSettings>, evSetup: EvSetup, expected: EvState | null = evSetup.state): PilotReading {
  const line = new SimulatedPilotLine();
  line.set(charger);
  line.apply(switchesFor(evSetup));
  return readingFromCapture(captureOf(line), nominalCalibration(), expected);
}

/** Keeps every line sent, parsed. */
export class RecordingSink implements LineSink {
  readonly lines: EvLinkMessage[] = [];
  accept = true;
  sendLine(text: string): boolean {
    if (!this.accept) return false;
    this.lines.push(JSON.parse(text) as EvLinkMessage);
    return true;
  }
  of<T extends EvLinkMessage["t"]>(t: T): Extract<EvLinkMessage, { t: T }>[] {
    return this.lines.filter((line): line is Extract<EvLinkMessage, { t: T }> => line.t === t);
  }
}

export interface HostEmulator {
  emulator: EvEmulator;
  line: SimulatedPilotLine;
  link: TcpLineLink;
  /** The host's end of the first connection the emulator dialled. */
  socket: Socket;
  /** The next connection it dials (after the host dropped one). */
  connection(): Promise<Socket>;
  close(): Promise<void>;
}

/** The emulator in this process, dialling a listener of ours on 127.0.0.1 like the lin build does. */
export async function startHostEmulator(): Promise<HostEmulator> {
  const accepted: Socket[] = [];
  const waiting: ((socket: Socket) => void)[] = [];
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    const waiter = waiting.shift();
    if (waiter) waiter(socket);
    else accepted.push(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as { port: number }).port;
  const connection = (): Promise<Socket> => {
    const ready = accepted.shift();
    return ready ? Promise.resolve(ready) : new Promise((resolve) => waiting.push(resolve));
  };
  const timers = new HostTimers();
  const line = new SimulatedPilotLine();
  const emulator = new EvEmulator({
    switches: line,
    probe: line,
    timers,
    nowMs: () => performance.now(),
    calibration: nominalCalibration(),
    version: "test",
    simCharger: line,
  });
  emulator.start();
  const link = new TcpLineLink({ tcp: new NodeTcpClient(), timers, host: "127.0.0.1", port, emulator });
  link.start();
  const socket = await connection();
  return {
    emulator,
    line,
    link,
    socket,
    connection,
    async close() {
      link.stop();
      emulator.stop();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
