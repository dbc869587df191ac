// A private X server for mcsim, the SDK's lin host, which opens a (hidden) GTK window even for a
// headless app: Xvfb on a free display (-displayfd), no TCP listener.
import { spawn, type ChildProcess } from "node:child_process";

export interface Xvfb {
  /** The DISPLAY value, e.g. ":99". */
  display: string;
  process: ChildProcess;
  close(): void;
}

export function startXvfb(): Promise<Xvfb> {
  return new Promise((resolve, reject) => {
    const xvfb = spawn("Xvfb", ["-displayfd", "1", "-nolisten", "tcp", "-screen", "0", "640x480x24"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let text = "";
    xvfb.stdout!.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      const match = /^(\d+)\n/.exec(text);
      if (match) resolve({ display: `:${match[1]}`, process: xvfb, close: () => xvfb.kill("SIGTERM") });
    });
    xvfb.stderr!.resume();
    xvfb.once("error", (error) => reject(new Error(`Xvfb: ${error.message}`)));
    xvfb.once("exit", (code) => reject(new Error(`Xvfb exited with ${code}`)));
  });
}
