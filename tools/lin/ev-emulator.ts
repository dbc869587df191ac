// The EV emulator's lin build (tools/ev-emulator, docs/hil-bench.md) run headless: mcsim under a
// private Xvfb, with OXS_EV_LINK_PORT pointing at a listener of ours on 127.0.0.1 that the emulator
// dials (and dials again 1 s after a loss). Each accepted connection is a Duplex that
// EvEmulatorClient (tools/rig/ev-emulator-client.ts) speaks the line protocol over.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LinBuild } from "./build.ts";
import { startXvfb, type Xvfb } from "./xvfb.ts";

export interface LinEvEmulatorOptions {
  /** Each line the process writes (trace output, GTK chatter filtered out). */
  log?: (line: string) => void;
}

export class LinEvEmulator {
  /** What the process wrote, line by line. */
  readonly output: string[] = [];
  readonly #options: LinEvEmulatorOptions;
  readonly #build: LinBuild;
  readonly #accepted: Socket[] = [];
  readonly #waiters: ((socket: Socket) => void)[] = [];
  #runDir = "";
  #xvfb: Xvfb | undefined;
  #server: Server | undefined;
  #process: ChildProcess | undefined;
  #exit: string | undefined;

  private constructor(build: LinBuild, options: LinEvEmulatorOptions) {
    this.#build = build;
    this.#options = options;
  }

  /** Starts the emulator process; resolves once it is running (its first connection: `connection()`). */
  static async start(build: LinBuild, options: LinEvEmulatorOptions = {}): Promise<LinEvEmulator> {
    const emulator = new LinEvEmulator(build, options);
    try {
      await emulator.#start();
    } catch (error) {
      await emulator.close();
      throw error;
    }
    return emulator;
  }

  /** The process id of mcsim (undefined once it ended). */
  get pid(): number | undefined {
    return this.#process?.pid;
  }

  /** The next connection the emulator made (one accepted earlier and not yet taken comes first). */
  connection(timeoutMs = 30_000): Promise<Socket> {
    const ready = this.#accepted.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const at = this.#waiters.indexOf(waiter);
        if (at >= 0) this.#waiters.splice(at, 1);
        const why = this.#exit ?? "no connection";
        reject(new Error(`the lin EV emulator did not dial in within ${timeoutMs} ms (${why}); its output:\n${this.output.join("\n")}`));
      }, timeoutMs);
      const waiter = (socket: Socket): void => {
        clearTimeout(timer);
        resolve(socket);
      };
      this.#waiters.push(waiter);
    });
  }

  /** Stops the process (by its id), the listener and Xvfb. */
  async close(): Promise<void> {
    const child = this.#process;
    this.#process = undefined;
    if (child && child.exitCode === null) {
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGKILL");
      await exited;
    }
    for (const socket of this.#accepted.splice(0)) socket.destroy();
    this.#xvfb?.close();
    this.#xvfb = undefined;
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
    this.#server = undefined;
    if (this.#runDir) rmSync(this.#runDir, { recursive: true, force: true });
    this.#runDir = "";
  }

  async #start(): Promise<void> {
    this.#runDir = mkdtempSync(join(tmpdir(), "oxs-ev-emulator-"));
    mkdirSync(join(this.#runDir, ".config", "tech.moddable.mcsim"), { recursive: true }); // mcsim copies the app there
    this.#xvfb = await startXvfb();
    const server = createServer((socket) => {
      socket.setNoDelay(true);
      const waiter = this.#waiters.shift();
      if (waiter) waiter(socket);
      else this.#accepted.push(socket);
    });
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    const port = (server.address() as { port: number }).port;
    const child = spawn(this.#build.mcsim, [this.#build.simulators, this.#build.mcSo], {
      cwd: this.#runDir,
      env: { ...process.env, HOME: this.#runDir, DISPLAY: this.#xvfb.display, OXS_EV_LINK_PORT: String(port), NO_AT_BRIDGE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.#process = child;
    child.once("exit", (code, signal) => {
      this.#exit = `mcsim ended: ${signal ?? `exit ${code}`}`;
    });
    const lines = (chunk: Buffer, pending: { text: string }): void => {
      pending.text += chunk.toString();
      let at: number;
      while ((at = pending.text.indexOf("\n")) >= 0) {
        const line = pending.text.slice(0, at).trimEnd();
        pending.text = pending.text.slice(at + 1);
        // GTK's chatter about the missing accessibility bus and themes is not the emulator's.
        if (line.length === 0 || /Gtk-WARNING|dbind-WARNING|at-spi/.test(line)) continue;
        this.output.push(line);
        this.#options.log?.(line);
      }
    };
    const out = { text: "" };
    const err = { text: "" };
    child.stdout!.on("data", (chunk: Buffer) => lines(chunk, out));
    child.stderr!.on("data", (chunk: Buffer) => lines(chunk, err));
  }
}
