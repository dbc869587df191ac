// A stand-in for a board's firmware on the far end of a rig's bench link, in Node: it speaks the
// protocol of docs/bench-link.md (hello, state, replies, frames) and records the commands it got,
// over TCP (it says hello on connect, as the firmware does) or through a fake serial port (a
// serial line gives no connect: it answers the host's hello). A physical board refuses ev/fault.
import { createServer, type Server, type Socket } from "node:net";
import type { HostSerialPort, HostSerialPortFactory } from "../../tools/rig/serial-port.ts";

export class FakeBoard {
  readonly commands: Record<string, unknown>[] = [];
  readonly simulated: boolean;
  /** What the connectors report (the firmware's state line). */
  connection: "online" | "connecting" = "online";
  pilot = "A";
  #send: ((line: string) => void) | undefined;

  constructor(simulated: boolean) {
    this.simulated = simulated;
  }

  hello(): Record<string, unknown> {
    return { t: "hello", v: 1, firmwareVersion: "1.2.3", deviceId: "BOARD-7", connectors: 2, simulated: this.simulated };
  }

  stateLine(): string {
    const connector = (id: number): Record<string, unknown> => ({
      connectorId: id,
      pilot: this.pilot,
      ev: null,
      relayClosed: false,
      offeredA: 0,
      dutyPercent: null,
      drawnA: 0,
      energyWh: 1000 * id,
      temperatureC: 24.5,
      ocppStatus: "Available",
      transactionId: null,
      faults: [],
    });
    return JSON.stringify({
      t: "state",
      state: { connection: this.connection, pendingTransactionMessages: 0, dropped: 0, connectors: [connector(1), connector(2)] },
    });
  }

  /** Sends a line as the firmware would (a frame, console output...). */
  say(line: string): void {
    this.#send?.(line);
  }

  /** The board's side of one connection: `send` writes a line to the host. */
  connect(send: (line: string) => void, sayHello: boolean): (text: string) => void {
    this.#send = send;
    if (sayHello) {
      send(JSON.stringify(this.hello()));
      send(this.stateLine());
    }
    let pending = "";
    return (text: string) => {
      pending += text;
      let at: number;
      while ((at = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, at);
        pending = pending.slice(at + 1);
        this.#command(JSON.parse(line) as Record<string, unknown>, send);
      }
    };
  }

  #command(command: Record<string, unknown>, send: (line: string) => void): void {
    this.commands.push(command);
    const reply = (ok: boolean, extra: Record<string, unknown>): void => send(JSON.stringify({ t: "reply", id: command.id, ok, ...extra }));
    switch (command.cmd) {
      case "hello":
        return reply(true, { result: this.hello() });
      case "state":
        reply(true, {});
        return send(this.stateLine());
      case "card":
        return reply(true, {});
      case "ev":
      case "fault":
        if (!this.simulated) return reply(false, { error: `${String(command.cmd)}: connector 1 is physical` });
        return reply(true, {});
      default:
        return reply(false, { error: `unknown command '${String(command.cmd)}'` });
    }
  }
}

/** The board on a TCP port of 127.0.0.1 (one host at a time), as a listening lin firmware. */
export async function serveOverTcp(board: FakeBoard): Promise<{ port: number; sockets: Socket[]; close(): Promise<void> }> {
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    const receive = board.connect((line) => socket.write(`${line}\n`), true);
    socket.on("data", (chunk: Buffer) => receive(chunk.toString("utf8")));
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    port: (server.address() as { port: number }).port,
    sockets,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A serial port factory whose ports lead to `board` (`opened` lists the paths and baud rates asked for). */
export function serialTo(board: FakeBoard, opened: string[]): HostSerialPortFactory {
  return async (path, baudRate) => {
    opened.push(`${path}@${baudRate}`);
    const listeners: { data: ((chunk: Buffer) => void)[]; close: (() => void)[] } = { data: [], close: [] };
    let receive: ((text: string) => void) | undefined;
    const port: HostSerialPort = {
      isOpen: false,
      open(callback) {
        (port as { isOpen: boolean }).isOpen = true;
        // A serial line gives no connect: the board says nothing until asked.
        receive = board.connect((line) => setImmediate(() => listeners.data.forEach((l) => l(Buffer.from(`${line}\n`)))), false);
        setImmediate(() => callback(null));
      },
      write(data) {
        setImmediate(() => receive?.(data));
        return true;
      },
      close() {
        (port as { isOpen: boolean }).isOpen = false;
        listeners.close.forEach((l) => l());
      },
      on(event: "data" | "close" | "error", listener: never) {
        if (event === "data") listeners.data.push(listener);
        if (event === "close") listeners.close.push(listener);
        return port;
      },
    };
    return port;
  };
}
