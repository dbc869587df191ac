/**
 * The booted firmware against a strict ocpp-rpc CSMS on 127.0.0.1 for the
 * Security white paper cases: storage with a "seclog" partition, the Node
 * HTTP client (GetLog uploads), a 127.0.0.1 HTTP server taking PUTs, and
 * throwaway certificates made by the openssl command line (with the OCSP
 * CertID openssl computes for them as the independent hash oracle).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SimFlash } from "platform/common/sim-flash";
import { NodeHttpClient } from "platform/host/http-node";
import { createSimulatedBoard } from "hal/sim/charger";
import { bootFirmware } from "firmware/boot";
import { VirtualTime } from "platform/common/virtual-timers";
import { hostPlatform, LineLog, newStorage, runUntil, type Bench, type Storage } from "../firmware/helpers.ts";
import { ProfileHarness, T0_MS, type Rig } from "../profiles/helpers.ts";

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
    const wallNow = (): string => new Date(T0_MS + (this.#current ? this.#current.bench.time.nowMs() - this.#bootVirtualMs : 0)).toISOString();
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

  /** Boots with http and seclog; waits for Accepted and the boot statuses. */
  async boot(storage: Storage = securityStorage(), defaults: Record<string, unknown> = {}, withHttp = true): Promise<Rig> {
    const sim = createSimulatedBoard({ connectors: 1 });
    const time = new VirtualTime(0);
    const log = new LineLog();
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
    const statuses = this.csms.calls("StatusNotification").length;
    await runUntil(bench, "accepted and boot statuses", () => fw.chargePoint.engine.accepted && this.csms.calls("StatusNotification").length >= statuses + 2);
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

export interface TestCertificate {
  pem: string;
  /** Hash data as openssl's OCSP request computes it (SHA-256). */
  issuerNameHash: string;
  issuerKeyHash: string;
  /** openssl prints the serial with an even digit count. */
  serialNumber: string;
  /** The private key (PEM), for certificates made with leafOfLast. */
  keyPem?: string;
}

/** Throwaway certificates in a temporary directory, removed by `dispose`. */
export class CertificateFactory {
  readonly dir = mkdtempSync(join(tmpdir(), "ocpp-sec-"));
  #count = 0;

  /** A self-signed root (EC P-256) valid `days` days from now (the real clock), with `serial`. */
  root(name: string, days: number, serial: number): TestCertificate {
    const n = this.#count++;
    const key = join(this.dir, `k${n}.pem`);
    const cert = join(this.dir, `c${n}.pem`);
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert,
      "-days", String(days), "-subj", `/O=OCPP Test/CN=${name}`, "-set_serial", String(serial)], { stdio: "pipe" });
    return this.#withHash(cert);
  }

  /** The private key (PEM) of the root made last. */
  lastRootKeyPem(): string {
    return readFileSync(join(this.dir, `k${this.#count - 1}.pem`), "utf8");
  }

  /** A certificate `name` signed by the root made just before (not self-issued). */
  leafOfLast(name: string, serial: number, subjectAltName?: string): TestCertificate {
    const n = this.#count - 1;
    const key = join(this.dir, `lk${n}.pem`);
    const csr = join(this.dir, `l${n}.csr`);
    const cert = join(this.dir, `l${n}.pem`);
    const san: string[] = [];
    if (subjectAltName !== undefined) {
      const ext = join(this.dir, `l${n}.ext`);
      writeFileSync(ext, `subjectAltName=${subjectAltName}\n`);
      san.push("-extfile", ext);
    }
    execFileSync("openssl", ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", csr, "-subj", `/O=OCPP Test/CN=${name}`], { stdio: "pipe" });
    execFileSync("openssl", ["x509", "-req", "-in", csr, "-CA", join(this.dir, `c${n}.pem`), "-CAkey", join(this.dir, `k${n}.pem`), "-out", cert, "-days", "3650", "-set_serial", String(serial), ...san], { stdio: "pipe" });
    return { pem: readFileSync(cert, "utf8"), keyPem: readFileSync(key, "utf8"), issuerNameHash: "", issuerKeyHash: "", serialNumber: "" };
  }

  #withHash(cert: string): TestCertificate {
    const request = join(this.dir, `r${this.#count}.der`);
    execFileSync("openssl", ["ocsp", "-sha256", "-issuer", cert, "-cert", cert, "-no_nonce", "-reqout", request], { stdio: "pipe" });
    const text = execFileSync("openssl", ["ocsp", "-reqin", request, "-req_text"], { encoding: "utf8" });
    const field = (label: string): string => {
      const match = new RegExp(`${label}: ([0-9A-F]+)`).exec(text);
      if (!match) throw new Error(`openssl printed no ${label}`);
      return match[1];
    };
    return {
      pem: readFileSync(cert, "utf8"),
      issuerNameHash: field("Issuer Name Hash"),
      issuerKeyHash: field("Issuer Key Hash"),
      serialNumber: field("Serial Number"),
    };
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
