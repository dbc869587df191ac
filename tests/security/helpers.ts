/**
 * The booted firmware against a strict ocpp-rpc CSMS on 127.0.0.1 for the
 * Security white paper cases: storage with a "seclog" partition, the Node
 * HTTP client (GetLog uploads), a 127.0.0.1 HTTP server taking PUTs, and
 * (from tests/support/test-pki.ts) throwaway certificates made by the
 * openssl command line.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SimFlash } from "platform/common/sim-flash";
import { NodeHttpClient } from "platform/host/http-node";
import { createSimulatedBoard } from "hal/sim/charger";
import { bootFirmware } from "boot/boot";
import { VirtualTime } from "platform/common/virtual-timers";
import { hostPlatform, newStorage, runUntil, type Bench, type Storage } from "../support/firmware-rig.ts";
import { MemoryLog, BOOTED_LOG_MAX_LINES } from "../support/logs.ts";
import { ProfileHarness, T0_MS, type Rig } from "../support/profile-harness.ts";

export function securityStorage(): Storage {
  const storage = newStorage();
  storage.flash.set("seclog", new SimFlash(4096, 4));
  return storage;
}

/** ProfileHarness whose rigs have an HTTP client and a seclog partition. */
export class SecurityHarness extends ProfileHarness {
  readonly #mine: Rig[] = [];
  #bootVirtualMs = 0;
  #current: Rig | undefined;

  override async open(): Promise<void> {
    await super.open();
    // Same wall clock as the profile harness (T0 at BootNotification), for our own rigs.
    const wallNow = (): string =>
      new Date(T0_MS + (this.#current ? this.#current.bench.time.nowMs() - this.#bootVirtualMs : 0)).toISOString();
    this.csms.handlers.set("BootNotification", () => {
      this.#bootVirtualMs = this.#current ? this.#current.bench.time.nowMs() : 0;
      return { status: "Accepted", currentTime: wallNow(), interval: 300 };
    });
    this.csms.handlers.set("Heartbeat", () => ({ currentTime: wallNow() }));
  }

  override async close(): Promise<void> {
    for (const rig of this.#mine.splice(0)) rig.fw.stop();
    this.#current = undefined;
    await super.close();
  }

  /** Boots with http and seclog; waits for Accepted and the boot statuses (unless `waitAccepted` is false). */
  async boot(
    storage: Storage = securityStorage(),
    defaults: Record<string, unknown> = {},
    withHttp = true,
    waitAccepted = true,
  ): Promise<Rig> {
    const sim = createSimulatedBoard({ connectors: 1 });
    const time = new VirtualTime(0);
    const log = new MemoryLog(BOOTED_LOG_MAX_LINES);
    const reboots: boolean[] = [];
    const fw = bootFirmware({
      platform: { ...hostPlatform(storage, time, log), ...(withHttp ? { http: new NodeHttpClient() } : {}) },
      board: sim.board,
      defaults: { deviceId: "OXS0001", csmsUrlTemplate: this.csms.url, ...defaults },
      onReboot: (hard) => reboots.push(hard),
      logLevel: "info",
    });
    const bench: Bench = { time, log, firmware: fw, reboots };
    const rig: Rig = { bench, fw, sim, storage };
    this.#mine.push(rig);
    this.#current = rig;
    if (!waitAccepted) return rig;
    const statuses = this.csms.calls("StatusNotification").length;
    await runUntil(
      bench,
      "accepted and boot statuses",
      () => fw.chargePoint.engine.accepted && this.csms.calls("StatusNotification").length >= statuses + 2,
    );
    return rig;
  }

  /** Stops a rig (power cut): its timers and socket end; storage stays. */
  powerCut(rig: Rig): void {
    rig.fw.stop();
    const index = this.#mine.indexOf(rig);
    if (index >= 0) this.#mine.splice(index, 1);
  }

  /** SecurityEventNotification types received, in order. */
  eventTypes(): string[] {
    return this.csms.calls("SecurityEventNotification").map((c) => String(c.params.type));
  }
}

/** A 127.0.0.1 HTTP server that stores PUT bodies (status per request from `statusFor`). */
export class UploadServer {
  readonly puts: Array<{ path: string; body: string }> = [];
  statusFor: (path: string) => number = () => 201;
  #server: Server | undefined;
  port = 0;

  async listen(): Promise<void> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const path = req.url ?? "/";
        if (req.method === "PUT") this.puts.push({ path, body: Buffer.concat(chunks).toString("utf8") });
        res.statusCode = req.method === "PUT" ? this.statusFor(path) : 405;
        res.end();
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, "127.0.0.1", resolve));
    this.port = (this.#server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/logs`;
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

// The certificate factory moved to tests/support/test-pki.ts; still importable from here.
export { CertificateFactory, type TestCertificate } from "../support/test-pki.ts";
