// The lin firmware as a process: mcsim (the SDK's lin host) running the build headless under an
// Xvfb of its own, on a state dir (nvs.json and <partition>.bin). Powered on, it is started again
// when it ends: at once after a reboot it asked for (exit code 3, Reset or a firmware update), after
// 1 s otherwise. Powered off, it is killed where it is (SIGKILL: a power cut). Used by the lin
// charger (tools/lin/lin-charger.ts) and by the lin board that stands in for a rig's board.
// mcsim runs line-buffered (line-buffered.ts); an instrumented build's per-second instrument lines
// are read into `instruments` (instrument-tally.ts), not logged.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LogSink } from "ports/log";
import { provisionSetting, type ChargerSettings } from "boot/settings";
import { FileKeyValueStore } from "platform/host/kv-file";
import type { LinBuild } from "./build.ts";
import { InstrumentTally, type InstrumentFigures } from "./instrument-tally.ts";
import { lineBuffered } from "./line-buffered.ts";
import { startXvfb, type Xvfb } from "./xvfb.ts";

/** Exit code of a reboot the firmware asked for (platform/moddable/lin/process.ts). */
export const LIN_REBOOT_EXIT_CODE = 3;

export interface LinProcessOptions {
  build: LinBuild;
  stateDir: string;
  log: LogSink;
  /** Environment of each start beyond the state dir (the bench link's port, meter registers). */
  env(): Record<string, string>;
  /** A process started. */
  onStart?(): void;
  /** The running process ended (by itself or killed). */
  onEnd?(code: number | null, signal: NodeJS.Signals | null): void;
}

/** Writes settings into the state dir's NVS as provisioning does (they win over the build's config). */
export function provisionLinState(stateDir: string, settings: readonly [keyof ChargerSettings, string | number | boolean][]): void {
  mkdirSync(stateDir, { recursive: true });
  const kv = new FileKeyValueStore(join(stateDir, "nvs.json"));
  for (const [name, value] of settings) {
    const problem = provisionSetting(kv, name, value);
    if (problem !== undefined) throw new Error(`config: ${problem}`);
  }
}

export class LinProcess {
  /** Processes started so far (restores and reboots included). */
  boots = 0;
  /** Exit codes of the processes that ended by themselves while powered. */
  readonly exits: (number | null)[] = [];
  readonly #options: LinProcessOptions;
  #runDir = "";
  #display: string | undefined;
  #xvfb: Xvfb | undefined;
  #process: ChildProcess | undefined;
  #powered = false;
  #closed = false;
  /** The running (or last) process's instrument samples. */
  #instruments = new InstrumentTally();

  constructor(options: LinProcessOptions) {
    this.#options = options;
  }

  get powered(): boolean {
    return this.#powered;
  }

  /** Collections, boot's and the stack peak of the running (or last) process (instrumented builds). */
  get instruments(): InstrumentFigures {
    return this.#instruments.figures;
  }

  /** The firmware is online with every connector Available: its boot ends with the next instrument sample. */
  booted(): void {
    this.#instruments.booted();
  }

  /** A firmware process is running. */
  get running(): boolean {
    return this.#process !== undefined;
  }

  /** Mains on: starts the firmware (Xvfb first, once). */
  async powerOn(): Promise<void> {
    if (this.#closed) throw new Error("this lin process is closed");
    if (this.#powered) return;
    if (!this.#display) {
      this.#runDir = mkdtempSync(join(tmpdir(), "oxs-lin-run-"));
      mkdirSync(join(this.#runDir, ".config", "tech.moddable.mcsim"), { recursive: true });
      const xvfb = await startXvfb();
      this.#xvfb = xvfb;
      this.#display = xvfb.display;
    }
    this.#powered = true;
    this.#spawn();
  }

  /** Mains off: the process dies where it is; flash and NVS files stay. */
  powerOff(): void {
    if (!this.#powered) return;
    this.#powered = false;
    this.#kill();
  }

  /** Stops the process and Xvfb; the state dir stays. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#powered = false;
    this.#kill();
    this.#xvfb?.close();
    this.#xvfb = undefined;
    if (this.#runDir) rmSync(this.#runDir, { recursive: true, force: true });
  }

  #spawn(): void {
    const { build, log } = this.#options;
    const run = lineBuffered(build.mcsim, [build.simulators, build.mcSo]);
    const child = spawn(run.command, run.args, {
      cwd: this.#runDir,
      env: {
        ...process.env,
        HOME: this.#runDir,
        DISPLAY: this.#display,
        OXS_STATE_DIR: this.#options.stateDir,
        NO_AT_BRIDGE: "1",
        ...this.#options.env(),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.#process = child;
    this.boots++;
    const instruments = (this.#instruments = new InstrumentTally());
    let pendingText = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      pendingText += chunk.toString();
      let at: number;
      while ((at = pendingText.indexOf("\n")) >= 0) {
        const line = pendingText.slice(0, at).trimEnd();
        pendingText = pendingText.slice(at + 1);
        if (line.length > 0 && !instruments.take(line)) log.write("info", "lin", line);
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      const text = chunk.toString().trim();
      // GTK's chatter about the missing accessibility bus and themes is not the firmware's.
      if (text && !/Gtk-WARNING|dbind-WARNING|at-spi/.test(text)) log.write("warn", "lin", text);
    });
    child.once("exit", (code, signal) => {
      if (this.#process !== child) return;
      this.#process = undefined;
      this.#options.onEnd?.(code, signal);
      if (!this.#powered || this.#closed) return;
      this.exits.push(code);
      if (code === LIN_REBOOT_EXIT_CODE) {
        log.write("info", "lin", "the firmware rebooted: starting it again");
        this.#spawn();
      } else {
        log.write("error", "lin", `the firmware process ended (${signal ?? `exit ${code}`}); starting it again in 1 s`);
        setTimeout(() => {
          if (this.#powered && !this.#closed && !this.#process) this.#spawn();
        }, 1000).unref();
      }
    });
    this.#options.onStart?.();
  }

  #kill(): void {
    const child = this.#process;
    this.#process = undefined;
    child?.kill("SIGKILL");
    if (child) this.#options.onEnd?.(null, "SIGKILL");
  }
}
