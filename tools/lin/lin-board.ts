// A lin firmware on its own, standing in for a board on a rig: provisioned into its state dir
// (identity, the CSMS URL the board uses, connectors), its bench link listening on
// 127.0.0.1:PORT (OXS_BENCH_LINK_LISTEN) for `npm start -- --rig tcp:127.0.0.1:PORT`, restarted
// after a reboot it asks for as a board resets. Its mains are a PowerRelay, as a relay in a real
// board's supply would be (a power cut kills the process; flash and NVS stay).
import type { LogSink } from "ports/log";
import type { ChargerSettings } from "boot/settings";
import type { PowerRelay } from "../rig/ev-actuator.ts";
import type { LinBuild } from "./build.ts";
import { LinProcess, provisionLinState } from "./lin-process.ts";

export interface LinBoardOptions {
  build: LinBuild;
  stateDir: string;
  /** 127.0.0.1 port the bench link listens on. */
  listenPort: number;
  /** The CSMS URL template the board connects to (`{deviceId}` in it). */
  csmsUrlTemplate: string;
  identity: string;
  connectors?: number;
  log: LogSink;
}

export class LinBoard implements PowerRelay {
  readonly #process: LinProcess;

  constructor(options: LinBoardOptions) {
    const settings: [keyof ChargerSettings, string | number][] = [
      ["deviceId", options.identity],
      ["csmsUrlTemplate", options.csmsUrlTemplate],
      ["connectors", options.connectors ?? 1],
    ];
    provisionLinState(options.stateDir, settings);
    this.#process = new LinProcess({
      build: options.build,
      stateDir: options.stateDir,
      log: options.log,
      env: () => ({ OXS_BENCH_LINK_LISTEN: String(options.listenPort) }),
    });
  }

  /** Firmware processes started so far. */
  get boots(): number {
    return this.#process.boots;
  }

  /** Powers the board on. */
  start(): Promise<void> {
    return this.#process.powerOn();
  }

  /** The relay in its mains. */
  async setMains(on: boolean): Promise<void> {
    if (on) await this.#process.powerOn();
    else this.#process.powerOff();
  }

  close(): void {
    this.#process.close();
  }
}
