/**
 * UpdateFirmware (OCTT TC_044_x, reference §4.11) against a strict ocpp-rpc
 * CSMS and a local HTTP server on 127.0.0.1, with a simulated firmware slot.
 * A reboot is a new TestCharger on the same key-value store.
 */
import { strict as assert } from "node:assert";
import { MemoryKeyValueStore } from "platform/common/memory-kv";
import { FIRMWARE_KV_NAMESPACE, FirmwareService } from "ocpp/firmware-management/firmware-service";
import type { HttpBodySink, HttpClient, HttpResult } from "ports/http";
import type { FirmwareSlot } from "ports/firmware-update";
import { Logger } from "ports/log";
import { VirtualTime } from "platform/common/virtual-timers";
import { MemoryLog, loggedCount } from "../support/logs.ts";
import { TestCsms } from "../support/csms-harness.ts";
import { sleep, waitFor } from "../support/waits.ts";
import { FileServer, firmwareImage } from "../support/file-server.ts";
import { statusesOf, useManagedRig, type ManagedCharger, type ManagedOptions } from "../support/managed-charger.ts";

describe("Firmware Management: UpdateFirmware", function () {
  const rig = useManagedRig({ files: true });
  let csms: TestCsms;
  let files: FileServer;

  beforeEach(function () {
    ({ csms, files } = rig);
  });

  async function charger(options: ManagedOptions = {}): Promise<ManagedCharger> {
    return rig.charger(options);
  }

  const firmwareStatuses = (): string[] => statusesOf(csms, "FirmwareStatusNotification");
  const past = (): string => new Date(Date.now() - 1000).toISOString();

  it("TC_044_1 download and install: waits for retrieveDate, Downloading, Downloaded, Installing, reboot, BootNotification, Installed, Available", async function () {
    const image = firmwareImage(50_000);
    files.files.set("/fw-0.2.0.bin", image);
    const kv = new MemoryKeyValueStore();
    const first = await charger({ kv, firmwareVersion: "0.1.0" });
    const retrieveAt = first.charger.platform.clock.utcMs() + 60_000;
    const conf = await csms.call("UpdateFirmware", {
      location: files.url("/fw-0.2.0.bin"),
      retrieveDate: new Date(retrieveAt).toISOString(),
    });
    assert.deepEqual(conf, {});
    first.charger.advance(59_000);
    // The charger's timers run inside advance(): a download due by now would already be Downloading with its GET sent.
    assert.equal(first.fm.firmware.lastStatus, "Idle", "no download before retrieveDate");
    assert.equal(files.count("GET"), 0, "no download before retrieveDate");
    assert.deepEqual(firmwareStatuses(), []);
    first.charger.advance(1_000);
    await waitFor("reboot", () => first.reboots === 1);
    assert.deepEqual(firmwareStatuses(), ["Downloading", "Downloaded", "Installing"]);
    assert.deepEqual(first.slot.pendingImage, image, "the whole image was written and set to boot");
    assert.equal(kv.get(FIRMWARE_KV_NAMESPACE, "stage"), 2);
    for (const key of kv.keys(FIRMWARE_KV_NAMESPACE)) assert.ok(key.length <= 15);

    // Reboot into the new image: same NVS, new version.
    first.charger.stop();
    const bootsBefore = csms.calls("BootNotification").length;
    const statusBefore = csms.calls("StatusNotification").length;
    // Returns once this boot is Accepted and its own statuses arrived (the CSMS also holds those of the first boot).
    await charger({ kv, firmwareVersion: "0.2.0" });
    await waitFor("Installed", () => firmwareStatuses().length === 4);
    assert.deepEqual(firmwareStatuses(), ["Downloading", "Downloaded", "Installing", "Installed"]);
    assert.equal(csms.calls("BootNotification").length, bootsBefore + 1);
    const actions = csms.actions();
    assert.ok(actions.lastIndexOf("BootNotification") < actions.lastIndexOf("FirmwareStatusNotification"), "Installed after the new boot");
    const after = csms.calls("StatusNotification").slice(statusBefore);
    assert.ok(after.some((c) => c.params.connectorId === 1 && c.params.status === "Available"));
    assert.equal(kv.get(FIRMWARE_KV_NAMESPACE, "stage"), undefined, "nothing pending any more");
  });

  it("TC_044_2 download failed with retries 0: one attempt (404), Downloading, DownloadFailed, no install", async function () {
    const m = await charger();
    assert.deepEqual(await csms.call("UpdateFirmware", { location: files.url("/missing.bin"), retrieveDate: past(), retries: 0 }), {});
    m.charger.advance(0);
    await waitFor("DownloadFailed", () => firmwareStatuses().includes("DownloadFailed"));
    m.charger.advance(600_000);
    await sleep(30);
    assert.deepEqual(firmwareStatuses(), ["Downloading", "DownloadFailed"]);
    assert.equal(files.count("GET", "/missing.bin"), 1);
    assert.equal(m.reboots, 0);
    assert.equal(m.slot.pendingImage, undefined);
    assert.equal(m.charger.kv.get(FIRMWARE_KV_NAMESPACE, "stage"), undefined);
  });

  it("404 download with retries 2 every 30 s: three attempts spaced by retryInterval, then DownloadFailed", async function () {
    const m = await charger();
    await csms.call("UpdateFirmware", { location: files.url("/missing.bin"), retrieveDate: past(), retries: 2, retryInterval: 30 });
    m.charger.advance(0);
    // The retry timer is armed when the charger got the 404 (it logs the failure then), not when the server saw the GET.
    await waitFor("first attempt failed", () => loggedCount(m.charger, "firmware download failed") === 1);
    const aborts = m.slot.aborts;
    m.charger.advance(29_000);
    // Timers run inside advance(): a retry would have started (its first step aborts the slot).
    assert.equal(m.slot.aborts, aborts, "no retry before retryInterval");
    assert.equal(files.count("GET"), 1, "no retry before retryInterval");
    m.charger.advance(1_000);
    await waitFor("second attempt failed", () => loggedCount(m.charger, "firmware download failed") === 2);
    assert.equal(files.count("GET"), 2);
    m.charger.advance(30_000);
    await waitFor("DownloadFailed", () => firmwareStatuses().includes("DownloadFailed"));
    assert.equal(files.count("GET"), 3);
    assert.deepEqual(firmwareStatuses(), ["Downloading", "DownloadFailed"]);
  });

  it("a dropped connection then a good retry: Downloaded and installed", async function () {
    const image = firmwareImage(20_000);
    files.files.set("/fw.bin", image);
    files.dropGetAfterBytes = 5_000;
    const m = await charger();
    await csms.call("UpdateFirmware", { location: files.url("/fw.bin"), retrieveDate: past(), retries: 1, retryInterval: 5 });
    m.charger.advance(0);
    await waitFor("first attempt failed", () => loggedCount(m.charger, "firmware download failed") === 1);
    files.dropGetAfterBytes = undefined;
    m.charger.advance(5_000);
    await waitFor("reboot", () => m.reboots === 1);
    assert.deepEqual(firmwareStatuses(), ["Downloading", "Downloaded", "Installing"]);
    assert.deepEqual(m.slot.pendingImage, image);
  });

  it("a slot write failure at byte N ends in DownloadFailed (retries 0)", async function () {
    files.files.set("/fw.bin", firmwareImage(30_000));
    const m = await charger();
    m.slot.failWriteAtByte = 10_000;
    await csms.call("UpdateFirmware", { location: files.url("/fw.bin"), retrieveDate: past(), retries: 0 });
    m.charger.advance(0);
    await waitFor("DownloadFailed", () => firmwareStatuses().includes("DownloadFailed"));
    assert.deepEqual(firmwareStatuses(), ["Downloading", "DownloadFailed"]);
    assert.equal(m.slot.pendingImage, undefined);
    assert.equal(m.slot.open, false);
  });

  it("TC_044_3 installation failed: Downloading, Downloaded, Installing, InstallationFailed, no reboot, connector still Available", async function () {
    files.files.set("/fw.bin", firmwareImage(10_000));
    const m = await charger();
    m.slot.failFinish = true;
    await csms.call("UpdateFirmware", { location: files.url("/fw.bin"), retrieveDate: past() });
    m.charger.advance(0);
    await waitFor("InstallationFailed", () => firmwareStatuses().includes("InstallationFailed"));
    assert.deepEqual(firmwareStatuses(), ["Downloading", "Downloaded", "Installing", "InstallationFailed"]);
    assert.equal(m.reboots, 0);
    assert.equal(m.charger.cp.status.current(1), "Available");
    assert.equal(m.charger.kv.get(FIRMWARE_KV_NAMESPACE, "stage"), undefined);
  });

  for (const [variant, corrupt] of [
    ["bad magic", (image: Uint8Array): Uint8Array => image.map((b, i) => (i === 0 ? 0x7f : b))],
    ["truncated", (image: Uint8Array): Uint8Array => image.slice(0, image.length - 100)],
    ["flipped byte", (image: Uint8Array): Uint8Array => image.map((b, i) => (i === 5_000 ? b ^ 0x01 : b))],
    ["bad hash", (image: Uint8Array): Uint8Array => image.map((b, i) => (i === image.length - 1 ? b ^ 0x01 : b))],
  ] as const) {
    it(`TC_044_3 a corrupt image (${variant}) is verified before install: InstallationFailed, no reboot, nothing set to boot`, async function () {
      files.files.set("/fw.bin", corrupt(firmwareImage(10_000)));
      const kv = new MemoryKeyValueStore();
      const m = await charger({ kv, firmwareVersion: "0.1.0" });
      await csms.call("UpdateFirmware", { location: files.url("/fw.bin"), retrieveDate: past(), retries: 0 });
      m.charger.advance(0);
      await waitFor("InstallationFailed", () => firmwareStatuses().includes("InstallationFailed"));
      assert.deepEqual(firmwareStatuses(), ["Downloading", "Downloaded", "Installing", "InstallationFailed"]);
      assert.equal(m.reboots, 0, "no reboot into a corrupt image");
      assert.equal(m.slot.pendingImage, undefined, "the old image stays the one that boots");
      assert.equal(kv.get(FIRMWARE_KV_NAMESPACE, "stage"), undefined);
      assert.equal(loggedCount(m.charger, "not a valid ESP32 app image"), 1);
      assert.equal(m.charger.cp.status.current(1), "Available");
    });
  }

  it("the old image boots again after the install (rollback): InstallationFailed after the boot", async function () {
    files.files.set("/fw.bin", firmwareImage(10_000));
    const kv = new MemoryKeyValueStore();
    const first = await charger({ kv, firmwareVersion: "0.1.0" });
    await csms.call("UpdateFirmware", { location: files.url("/fw.bin"), retrieveDate: past() });
    first.charger.advance(0);
    await waitFor("reboot", () => first.reboots === 1);
    first.charger.stop();
    await charger({ kv, firmwareVersion: "0.1.0" });
    await waitFor("outcome", () => firmwareStatuses().length === 4);
    assert.equal(firmwareStatuses()[3], "InstallationFailed");
  });

  it("a reboot before the image was set to boot: DownloadFailed after the boot", async function () {
    const kv = new MemoryKeyValueStore();
    const first = await charger({ kv });
    await csms.call("UpdateFirmware", { location: files.url("/fw.bin"), retrieveDate: new Date(Date.now() + 3_600_000).toISOString() });
    // The update is planned (and its stage stored) right after the answer went out.
    await waitFor("update planned", () => first.fm.firmware.phase === "scheduled");
    assert.equal(kv.get(FIRMWARE_KV_NAMESPACE, "stage"), 1);
    first.charger.stop();
    await charger({ kv });
    await waitFor("DownloadFailed", () => firmwareStatuses().length === 1);
    assert.deepEqual(firmwareStatuses(), ["DownloadFailed"]);
    assert.equal(kv.get(FIRMWARE_KV_NAMESPACE, "stage"), undefined);
  });

  it("installing waits until the running transaction ended", async function () {
    files.files.set("/fw.bin", firmwareImage(10_000));
    const m = await charger();
    m.charger.connector.plug();
    assert.deepEqual(await csms.call("RemoteStartTransaction", { idTag: "REMOTE1", connectorId: 1 }), { status: "Accepted" });
    await csms.waitForCall("StartTransaction");
    await waitFor("transactionId known", () => m.charger.cp.transactions.transactionOn(1)?.transactionId === 100);
    await csms.call("UpdateFirmware", { location: files.url("/fw.bin"), retrieveDate: past() });
    m.charger.advance(0);
    await waitFor("Downloaded", () => firmwareStatuses().includes("Downloaded"));
    m.charger.advance(60_000);
    await sleep(30);
    assert.deepEqual(firmwareStatuses(), ["Downloading", "Downloaded"], "no install during the transaction");
    assert.equal(m.fm.firmware.triggeredStatus(), "Downloaded");
    await csms.call("RemoteStopTransaction", { transactionId: 100 });
    await csms.waitForCall("StopTransaction");
    await waitFor("reboot", () => m.reboots === 1);
    assert.deepEqual(firmwareStatuses(), ["Downloading", "Downloaded", "Installing"]);
  });

  describe("stop() cancels the update (shutdown)", function () {
    /** A GET answered only when the test says so: the download stays in flight across stop(). */
    interface HeldGet {
      sink: HttpBodySink;
      answer(status: number, body?: Uint8Array): void;
      fail(message: string): void;
    }
    function rig(): {
      service: FirmwareService;
      time: VirtualTime;
      gets: HeldGet[];
      sent: string[];
      slot: string[];
      kv: MemoryKeyValueStore;
    } {
      const time = new VirtualTime(0);
      const gets: HeldGet[] = [];
      const sent: string[] = [];
      const slot: string[] = [];
      const kv = new MemoryKeyValueStore();
      const http: HttpClient = {
        get: (_url, sink) =>
          new Promise<HttpResult>((resolve, reject) =>
            gets.push({
              sink,
              answer: (status, body) => {
                sink.start(status, body?.length);
                if (body) sink.chunk(body);
                resolve({ status, bytes: body?.length ?? 0 });
              },
              fail: (message) => reject(new Error(message)),
            }),
          ),
        put: () => Promise.reject(new Error("no PUT here")),
      };
      const firmwareSlot: FirmwareSlot = {
        begin: () => slot.push("begin"),
        write: (bytes) => slot.push(`write ${bytes.length}`),
        finish: () => slot.push("finish"),
        abort: () => slot.push("abort"),
      };
      const engine = {
        call: <Conf>(_action: string, payload: unknown): Promise<Conf> => {
          sent.push(String((payload as { status: string }).status));
          return Promise.resolve({} as Conf);
        },
      };
      const service = new FirmwareService({
        engine,
        timers: time,
        clock: { utcMs: () => Date.UTC(2030, 0, 1) },
        kv,
        http,
        slot: firmwareSlot,
        log: new Logger(new MemoryLog(), "fw"),
        host: { transactionsRunning: () => false, onTransactionEnded: () => undefined, reboot: () => sent.push("reboot") },
      });
      return { service, time, gets, sent, slot, kv };
    }
    const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    const due = "2029-12-31T00:00:00Z";

    it("a download in flight when stop() came: its failure schedules no retry and reports nothing", async function () {
      const r = rig();
      r.service.update({ location: "http://127.0.0.1:9/fw.bin", retrieveDate: due, retries: 3, retryInterval: 600 });
      r.time.advance(0);
      assert.equal(r.gets.length, 1);
      r.service.stop();
      r.gets[0].answer(503);
      await settle();
      r.time.advance(3 * 600_000);
      await settle();
      assert.equal(r.gets.length, 1, "no retry of the canceled download");
      assert.deepEqual(r.sent, ["Downloading"]);
      assert.equal(r.service.phase, "idle");
      assert.equal(r.kv.get(FIRMWARE_KV_NAMESPACE, "stage"), 1, "the next boot reports DownloadFailed");
    });

    it("a network error of a canceled download schedules no retry either", async function () {
      const r = rig();
      r.service.update({ location: "http://127.0.0.1:9/fw.bin", retrieveDate: due, retries: 1, retryInterval: 10 });
      r.time.advance(0);
      r.service.stop();
      r.gets[0].fail("connection reset");
      await settle();
      r.time.advance(60_000);
      await settle();
      assert.equal(r.gets.length, 1);
      assert.deepEqual(r.sent, ["Downloading"]);
    });

    it("a canceled download answered late writes nothing into the slot and does not install; a new update runs normally", async function () {
      const r = rig();
      r.service.update({ location: "http://127.0.0.1:9/old.bin", retrieveDate: due, retries: 0 });
      r.time.advance(0);
      r.service.stop();
      r.service.update({ location: "http://127.0.0.1:9/new.bin", retrieveDate: due, retries: 0 });
      r.time.advance(0);
      assert.equal(r.gets.length, 2);
      r.slot.length = 0;
      r.gets[0].answer(200, new Uint8Array(7));
      await settle();
      assert.deepEqual(r.slot, [], "the old image's bytes do not reach the slot");
      assert.equal(r.service.phase, "downloading", "the late answer does not end the new download");
      r.gets[1].answer(200, new Uint8Array(5));
      await settle();
      assert.deepEqual(r.slot, ["begin", "write 5", "finish"]);
      assert.deepEqual(r.sent, ["Downloading", "Downloading", "Downloaded", "Installing", "reboot"]);
    });
  });
});
