// The host's serial ports for a rig, through the npm `serialport` package, imported only when a
// serial address is used: where its native binding cannot load, everything else still runs and
// `--rig serial:...` fails with a message that says why.
import type { LinkWire } from "../bench-link/client.ts";

/** What the rig uses of a serialport `SerialPort` (also what a test's fake provides). */
export interface HostSerialPort {
  open(callback: (error: Error | null) => void): void;
  write(data: string): boolean;
  close(callback?: (error: Error | null) => void): void;
  on(event: "data", listener: (chunk: Buffer) => void): unknown;
  on(event: "close", listener: () => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
  readonly isOpen: boolean;
}

/** Makes an unopened port for `path` at `baudRate`. */
export type HostSerialPortFactory = (path: string, baudRate: number) => Promise<HostSerialPort>;

/** The `serialport` package's ports (8N1, no flow control: what the firmware's UART uses). */
export const npmSerialPorts: HostSerialPortFactory = async (path, baudRate) => {
  let module: typeof import("serialport");
  try {
    module = await import("serialport");
  } catch (error) {
    throw new Error(
      `serial ports need the npm package 'serialport', which cannot be loaded here (${(error as Error).message}); npm install brings it with prebuilt bindings for Linux, macOS and Windows`,
    );
  }
  return new module.SerialPort({ path, baudRate, autoOpen: false });
};

/** The wire a link client writes to, over an open port. */
export function serialWire(port: HostSerialPort): LinkWire {
  return {
    write: (text) => void port.write(text),
    close: () => {
      if (port.isOpen) port.close();
    },
  };
}
