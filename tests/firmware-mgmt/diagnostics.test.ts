/**
 * GetDiagnostics (OCTT TC_045_x, reference §2.3/§4.11) against a strict
 * ocpp-rpc CSMS and a local HTTP server accepting or refusing the PUT.
 */
import { strict as assert } from "node:assert";
import { DiagnosticsService, filterLinesByTime } from "ocpp/firmware-management/diagnostics-service";
import type { HttpClient, HttpResult } from "ports/http";
import { Logger } from "ports/log";
import { VirtualTime } from "platform/common/virtual-timers";
import { MemoryLog, loggedCount } from "../support/logs.ts";
import { TestCsms } from "../support/csms-harness.ts";
import { sleep, waitFor } from "../support/waits.ts";
import { FileServer } from "../support/file-server.ts";
import { statusesOf, useManagedRig, type ManagedCharger } from "../support/managed-charger.ts";

const FRAMES = [
  '2030-01-01T10:00:00Z out BootNotification [2,"1","BootNotification",{}]',
  '2030-01-01T11:00:00Z in Reset [2,"2","Reset",{"type":"Soft"}]',
  '2030-01-01T12:00:00Z out StatusNotification [2,"3","StatusNotification",{}]',
];

describe("Firmware Management: GetDiagnostics", function () {
  const rig = useManagedRig();
  let csms: TestCsms;
  let files: FileServer;

  // The file server is this suite's own (not the rig's): one test replaces it.
  beforeEach(async function () {
    csms = rig.csms;
    files = new FileServer();
    await files.listen();
  });
  afterEach(async function () {
    await files.close();
  });

  async function charger(frameLines: string[] = FRAMES.slice()): Promise<ManagedCharger> {
    return rig.charger({ frameLines });
  }
  const diagStatuses = (): string[] => statusesOf(csms, "DiagnosticsStatusNotification");

  it("TC_045_1 GetDiagnostics: fileName answered, Uploading, PUT of the frame log into the location directory, Uploaded", async function () {
    await charger();
    const conf = await csms.call("GetDiagnostics", { location: files.url("/upload/") });
    assert.equal(typeof conf.fileName, "string");
    const fileName = String(conf.fileName);
    assert.ok(fileName.length > 0 && fileName.length <= 255);
    await waitFor("Uploaded", () => diagStatuses().includes("Uploaded"));
    assert.deepEqual(diagStatuses(), ["Uploading", "Uploaded"]);
    const body = files.uploads.get(`/upload/${conf.fileName}`);
    assert.ok(body, "uploaded under the answered file name");
    const text = body.toString("utf8");
    for (const line of FRAMES) assert.ok(text.includes(line), line);
  });

  it("TC_045_2 upload refused (403) with retries 0: Uploading, UploadFailed after one attempt", async function () {
    files.putStatus = 403;
    const m = await charger();
    const conf = await csms.call("GetDiagnostics", { location: files.url("/upload"), retries: 0 });
    assert.ok(conf.fileName);
    await waitFor("UploadFailed", () => diagStatuses().includes("UploadFailed"));
    m.charger.advance(600_000);
    await sleep(30);
    assert.deepEqual(diagStatuses(), ["Uploading", "UploadFailed"]);
    assert.equal(files.count("PUT"), 1);
    assert.equal(files.uploads.size, 0);
  });

  it("refused upload retried after retryInterval, then accepted: one Uploading, Uploaded", async function () {
    files.putStatus = 500;
    const m = await charger();
    const conf = await csms.call("GetDiagnostics", { location: files.url("/upload"), retries: 2, retryInterval: 20 });
    // The retry timer is armed when the charger got the 500 (it logs the failure then), not when the server saw the PUT.
    await waitFor("first attempt failed", () => loggedCount(m.charger, "diagnostics upload failed") === 1);
    m.charger.advance(19_000);
    await sleep(30);
    assert.equal(files.count("PUT"), 1, "no retry before retryInterval");
    files.putStatus = 201;
    m.charger.advance(1_000);
    await waitFor("Uploaded", () => diagStatuses().includes("Uploaded"));
    assert.deepEqual(diagStatuses(), ["Uploading", "Uploaded"]);
    assert.ok(files.uploads.has(`/upload/${conf.fileName}`));
  });

  it("startTime/stopTime keep only the lines in between", async function () {
    await charger();
    const conf = await csms.call("GetDiagnostics", {
      location: files.url("/d/"),
      startTime: "2030-01-01T10:30:00Z",
      stopTime: "2030-01-01T11:30:00Z",
    });
    await waitFor("Uploaded", () => diagStatuses().includes("Uploaded"));
    const text = files.uploads.get(`/d/${conf.fileName}`)!.toString("utf8");
    assert.ok(text.includes(FRAMES[1]));
    assert.ok(!text.includes(FRAMES[0]));
    assert.ok(!text.includes(FRAMES[2]));
  });

  it("nothing to send: no fileName, no upload, no notification", async function () {
    await charger([]);
    const conf = await csms.call("GetDiagnostics", { location: files.url("/d/") });
    assert.deepEqual(conf, {});
    await sleep(30);
    assert.equal(files.count("PUT"), 0);
    assert.deepEqual(diagStatuses(), []);
  });

  it("ftp:// location (no FTP client yet): Uploading, UploadFailed", async function () {
    await charger();
    const conf = await csms.call("GetDiagnostics", { location: "ftp://user:pass@127.0.0.1:2121/diag/", retries: 0 });
    assert.ok(conf.fileName);
    await waitFor("UploadFailed", () => diagStatuses().includes("UploadFailed"));
    assert.deepEqual(diagStatuses(), ["Uploading", "UploadFailed"]);
  });

  it("an unreachable server (connection refused) ends in UploadFailed", async function () {
    const port = files.port;
    await files.close();
    files = new FileServer();
    await files.listen();
    await charger();
    await csms.call("GetDiagnostics", { location: `http://127.0.0.1:${port}/d/`, retries: 0 });
    await waitFor("UploadFailed", () => diagStatuses().includes("UploadFailed"));
  });

  it("SupportedFileTransferProtocols is read-only HTTP,HTTPS", async function () {
    await charger();
    const conf = await csms.call("GetConfiguration", { key: ["SupportedFileTransferProtocols"] });
    assert.deepEqual(conf.configurationKey, [{ key: "SupportedFileTransferProtocols", readonly: true, value: "HTTP,HTTPS" }]);
  });

  it("filterLinesByTime keeps unsynced (?) and untimed lines", function () {
    const text = "2030-01-01T00:00:00Z a\n1970-01-01T00:00:05Z? b\nno time c\n";
    assert.equal(filterLinesByTime(text, Date.parse("2031-01-01T00:00:00Z"), undefined), "1970-01-01T00:00:05Z? b\nno time c\n");
    assert.equal(filterLinesByTime(text, undefined, undefined), text);
  });

  describe("stop() cancels the whole upload (GetLog AcceptedCanceled, shutdown)", function () {
    /** A PUT answered only when the test says so: the attempt stays in flight across stop(). */
    function rig(): { service: DiagnosticsService; time: VirtualTime; puts: Array<(status: number) => void>; sent: string[] } {
      const time = new VirtualTime(0);
      const puts: Array<(status: number) => void> = [];
      const sent: string[] = [];
      const http: HttpClient = {
        get: () => Promise.reject(new Error("no GET here")),
        put: (_url, body) => new Promise<HttpResult>((resolve) => puts.push((status) => resolve({ status, bytes: body.length }))),
      };
      const service = new DiagnosticsService({
        reportStatus: (status) => void sent.push(status),
        timers: time,
        clock: { utcMs: () => Date.UTC(2030, 0, 1) },
        http,
        log: new Logger(new MemoryLog(), "diag"),
        deviceName: "CP001",
      });
      service.addSource({ name: "frames", text: () => "a line\n" });
      return { service, time, puts, sent };
    }
    const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

    it("an attempt in flight when stop() came: its failure schedules no retry and reports nothing", async function () {
      const r = rig();
      r.service.prepare({ location: "http://127.0.0.1:9/up/", retries: 3, retryInterval: 600 })!.startUpload();
      assert.equal(r.puts.length, 1);
      r.service.stop();
      assert.equal(r.service.uploading, false);
      r.puts[0](503);
      await settle();
      r.time.advance(3 * 600_000);
      await settle();
      assert.equal(r.puts.length, 1, "no retry of the canceled upload");
      assert.deepEqual(r.sent, ["Uploading"]);
    });

    it("a canceled upload answered late does not report Uploaded; a new upload on the same service runs normally", async function () {
      const r = rig();
      r.service.prepare({ location: "http://127.0.0.1:9/up/", retries: 1, retryInterval: 10 })!.startUpload();
      r.service.stop();
      r.service.prepare({ location: "http://127.0.0.1:9/up/", retries: 0 })!.startUpload();
      r.puts[0](200);
      await settle();
      assert.equal(r.service.uploading, true, "the late answer of the canceled attempt does not end the new upload");
      r.puts[1](200);
      await settle();
      assert.deepEqual(r.sent, ["Uploading", "Uploading", "Uploaded"]);
      assert.equal(r.service.uploading, false);
    });

    it("stopped between prepare and startUpload: nothing is sent", async function () {
      const r = rig();
      const prepared = r.service.prepare({ location: "http://127.0.0.1:9/up/" })!;
      r.service.stop();
      prepared.startUpload();
      await settle();
      assert.equal(r.puts.length, 0);
      assert.deepEqual(r.sent, []);
    });
  });
});
