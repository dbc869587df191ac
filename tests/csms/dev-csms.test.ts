import assert from "node:assert/strict";
import { RPCClient } from "ocpp-rpc";
import type { RPC_ClientOptions } from "ocpp-rpc/lib/client";
import { startDevCsms, formatFrames, type DevCsms, type DevCsmsOptions } from "../../tools/csms/dev-csms.ts";
import { CSMS_ACTIONS } from "../../tools/csms/ocpp-types.ts";

const BOOT = { chargePointVendor: "Wattlight", chargePointModel: "Bench-2", firmwareVersion: "0.1.0" };

describe("development CSMS", () => {
  let csms: DevCsms;
  const clients: RPCClient[] = [];

  async function start(options: DevCsmsOptions = {}): Promise<DevCsms> {
    csms = await startDevCsms({ port: 0, ...options });
    return csms;
  }

  function client(identity: string, extra: Partial<RPC_ClientOptions> = {}): RPCClient {
    const c = new RPCClient({
      endpoint: csms.url,
      identity,
      protocols: ["ocpp1.6"],
      strictMode: true,
      reconnect: false,
      ...extra,
    } as RPC_ClientOptions);
    clients.push(c);
    return c;
  }

  async function connected(identity: string, extra: Partial<RPC_ClientOptions> = {}): Promise<RPCClient> {
    const c = client(identity, extra);
    await c.connect();
    return c;
  }

  /** Connected and BootNotification Accepted: a charger may send anything else only now [SPEC 4.2]. */
  async function booted(identity: string): Promise<RPCClient> {
    const c = await connected(identity);
    await c.call("BootNotification", BOOT);
    return c;
  }

  /** ocpp-rpc rejects a refused upgrade with UnexpectedHttpResponse carrying the HTTP status. */
  function httpStatus(status: number): (error: Error) => boolean {
    return (error) => {
      assert.equal((error as Error & { code?: unknown }).code, status, `${error.message}`);
      return true;
    };
  }

  afterEach(async () => {
    await Promise.allSettled(clients.splice(0).map((c) => c.close({ force: true })));
    await csms?.close();
  });

  it("listens on 127.0.0.1 with a free port and reports a ws:// URL", async () => {
    await start();
    assert.match(csms.url, /^ws:\/\/127\.0\.0\.1:\d+\/ocpp$/);
    assert.ok(csms.port > 0);
  });

  it("accepts BootNotification with the configured heartbeat interval and current time", async () => {
    const now = new Date("2025-03-01T12:00:00.000Z");
    await start({ heartbeatIntervalS: 42, now: () => now });
    const cp = await connected("CP1");
    const conf = (await cp.call("BootNotification", BOOT)) as Record<string, unknown>;
    assert.deepEqual(conf, { status: "Accepted", currentTime: "2025-03-01T12:00:00.000Z", interval: 42 });
    const heartbeat = (await cp.call("Heartbeat", {})) as Record<string, unknown>;
    assert.deepEqual(heartbeat, { currentTime: "2025-03-01T12:00:00.000Z" });

    const record = csms.charger("CP1");
    assert.ok(record);
    assert.equal(record.connected, true);
    assert.equal(record.bootCount, 1);
    assert.equal(record.boot?.chargePointModel, "Bench-2");
    assert.equal(record.endpoint, "/ocpp");
    assert.equal(csms.chargers().length, 1);
  });

  it("can answer BootNotification with Pending", async () => {
    await start({ bootStatus: "Pending" });
    const cp = await connected("CP1");
    const conf = (await cp.call("BootNotification", BOOT)) as Record<string, unknown>;
    assert.equal(conf.status, "Pending");
  });

  it("takes the identity from the last path segment under any prefix", async () => {
    await start();
    const url = csms.url.replace(/\/ocpp$/, "/some/deep/prefix");
    const cp = client("CP 7", { endpoint: url });
    await cp.connect();
    await cp.call("BootNotification", BOOT);
    const record = csms.charger("CP 7");
    assert.ok(record, "charger recorded under its decoded identity");
    assert.equal(record.endpoint, "/some/deep/prefix");
  });

  it("authorizes tags from its list and answers Invalid for unknown tags", async () => {
    await start({
      idTags: {
        GOOD: { status: "Accepted", parentIdTag: "FLEET" },
        STOLEN: { status: "Blocked" },
        OLD: { status: "Accepted", expiryDate: "2001-01-01T00:00:00Z" },
      },
    });
    const cp = await booted("CP1");
    const authorize = async (idTag: string): Promise<unknown> =>
      ((await cp.call("Authorize", { idTag })) as { idTagInfo: unknown }).idTagInfo;
    assert.deepEqual(await authorize("GOOD"), { status: "Accepted", parentIdTag: "FLEET" });
    assert.deepEqual(await authorize("STOLEN"), { status: "Blocked" });
    assert.deepEqual(await authorize("OLD"), { status: "Expired", expiryDate: "2001-01-01T00:00:00Z" });
    assert.deepEqual(await authorize("NOBODY"), { status: "Invalid" });
    csms.setIdTag("NOBODY", { status: "Accepted" });
    assert.deepEqual(await authorize("NOBODY"), { status: "Accepted" });
  });

  it("records transactions with increasing ids, their meter values and their stop", async () => {
    await start({ firstTransactionId: 100 });
    const cp = await booted("CP1");
    const startConf = (await cp.call("StartTransaction", {
      connectorId: 1,
      idTag: "DEV-ACCEPTED",
      meterStart: 1000,
      timestamp: "2025-03-01T12:00:00Z",
    })) as { transactionId: number; idTagInfo: { status: string } };
    assert.equal(startConf.transactionId, 100);
    assert.equal(startConf.idTagInfo.status, "Accepted");

    const second = (await cp.call("StartTransaction", {
      connectorId: 2,
      idTag: "DEV-ACCEPTED",
      meterStart: 0,
      timestamp: "2025-03-01T12:00:01Z",
    })) as { transactionId: number; idTagInfo: { status: string } };
    assert.equal(second.transactionId, 101);
    assert.equal(second.idTagInfo.status, "ConcurrentTx", "same tag already charging on connector 1");

    await cp.call("MeterValues", {
      connectorId: 1,
      transactionId: 100,
      meterValue: [{ timestamp: "2025-03-01T12:01:00Z", sampledValue: [{ value: "1500" }] }],
    });
    const stopConf = (await cp.call("StopTransaction", {
      transactionId: 100,
      meterStop: 2000,
      timestamp: "2025-03-01T12:10:00Z",
      idTag: "DEV-ACCEPTED",
      reason: "Local",
    })) as { idTagInfo?: { status: string } };
    assert.equal(stopConf.idTagInfo?.status, "Accepted");

    const [first, other] = csms.transactions();
    assert.equal(first.transactionId, 100);
    assert.equal(first.connectorId, 1);
    assert.equal(first.meterStartWh, 1000);
    assert.deepEqual(
      first.meterValues.map((m) => m.sampledValue[0].value),
      ["1500"],
    );
    assert.deepEqual(first.stop, {
      meterStopWh: 2000,
      timestamp: "2025-03-01T12:10:00Z",
      reason: "Local",
      idTag: "DEV-ACCEPTED",
    });
    assert.equal(other.stop, undefined, "transaction 101 is still open");
  });

  it("records StatusNotification, DataTransfer and firmware/diagnostics/security notifications", async () => {
    await start();
    const cp = await booted("CP1");
    await cp.call("StatusNotification", { connectorId: 1, errorCode: "NoError", status: "Preparing" });
    await cp.call("StatusNotification", { connectorId: 0, errorCode: "NoError", status: "Available" });
    await cp.call("StatusNotification", { connectorId: 1, errorCode: "GroundFailure", status: "Faulted" });
    const dt = (await cp.call("DataTransfer", { vendorId: "org.example", messageId: "m", data: "x" })) as {
      status: string;
    };
    assert.equal(dt.status, "Accepted");
    await cp.call("FirmwareStatusNotification", { status: "Downloading" });
    await cp.call("DiagnosticsStatusNotification", { status: "Uploading" });
    await cp.call("SecurityEventNotification", { type: "StartupOfTheDevice", timestamp: "2025-03-01T12:00:00Z" });
    await cp.call("SignedFirmwareStatusNotification", { status: "DownloadScheduled", requestId: 3 });
    await cp.call("LogStatusNotification", { status: "Uploading", requestId: 4 });

    const record = csms.charger("CP1");
    assert.ok(record);
    assert.deepEqual(
      record.connectors.map((c) => [c.connectorId, c.status, c.errorCode]),
      [
        [0, "Available", "NoError"],
        [1, "Faulted", "GroundFailure"],
      ],
    );
    assert.deepEqual(record.dataTransfers, [{ vendorId: "org.example", messageId: "m", data: "x" }]);
    assert.equal(record.firmwareStatus, "Downloading");
    assert.equal(record.diagnosticsStatus, "Uploading");
    assert.equal(record.securityEvents[0].type, "StartupOfTheDevice");
    assert.deepEqual(record.signedFirmwareStatus, { status: "DownloadScheduled", requestId: 3 });
    assert.deepEqual(record.logStatus, { status: "Uploading", requestId: 4 });
  });

  it("checks every frame with a protocol monitor: a violation is logged as a warning and emitted", async () => {
    const warnings: string[] = [];
    await start({ firstTransactionId: 5, warn: (line) => warnings.push(line) });
    const cp = await booted("CP1");
    csms.monitor("CP1")!.expect("tx-duplicate"); // provoked below on purpose
    const emitted: string[] = [];
    csms.on("violation", (v) => emitted.push(v.rule));
    const start1 = { connectorId: 1, idTag: "DEV-ACCEPTED", meterStart: 356, timestamp: "2025-03-01T12:00:00Z" };
    await cp.call("StartTransaction", start1);
    assert.deepEqual(csms.violations("CP1"), []);
    await cp.call("StartTransaction", start1);
    assert.deepEqual(emitted, ["tx-duplicate"]);
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0],
      /^protocol monitor: \[tx-duplicate\] CP1: StartTransaction of connector 1 .* delivered again \(transactionId 5\)/,
    );
    assert.deepEqual(
      csms.violations("CP1").map((v) => [v.rule, v.expected]),
      [["tx-duplicate", true]],
    );
  });

  it("answers a frame that breaks the OCPP 1.6 schema with a CALLERROR", async () => {
    await start();
    const lax = await connected("CP1", { strictMode: false });
    await assert.rejects(lax.call("BootNotification", { chargePointVendor: "Wattlight" }), (error: Error) => {
      const code = (error as Error & { rpcErrorCode?: string }).rpcErrorCode ?? "";
      assert.match(code, /Violation/, `CALLERROR code ${code}`);
      return true;
    });
    assert.equal(csms.charger("CP1")?.bootCount, 0, "the invalid boot is not recorded");
  });

  it("sends a CSMS-initiated call and returns the charger's answer", async () => {
    await start();
    const cp = await connected("CP1");
    const seen: unknown[] = [];
    cp.handle("Reset", async ({ params }) => {
      seen.push(params);
      return { status: "Accepted" };
    });
    cp.handle("GetConfiguration", async () => ({
      configurationKey: [{ key: "HeartbeatInterval", readonly: false, value: "300" }],
    }));
    const reset = await csms.send("CP1", "Reset", { type: "Soft" });
    assert.deepEqual(reset, { status: "Accepted" });
    assert.deepEqual(seen, [{ type: "Soft" }]);
    const config = await csms.send("CP1", "GetConfiguration", { key: ["HeartbeatInterval"] });
    assert.equal(config.configurationKey?.[0].value, "300");

    const text = formatFrames(csms.frames("CP1"));
    assert.match(text, /CP1 <- \[2,"[^"]+","Reset",\{"type":"Soft"\}\]/);
    assert.match(text, /CP1 -> \[3,"[^"]+",\{"status":"Accepted"\}\]/);
  });

  it("refuses to send an invalid payload and to send to an unknown charger", async () => {
    await start();
    const cp = await connected("CP1");
    let called = false;
    cp.handle("Reset", async () => {
      called = true;
      return { status: "Accepted" };
    });
    const bad = { type: "Warm" } as unknown as { type: "Soft" };
    await assert.rejects(csms.send("CP1", "Reset", bad));
    assert.equal(called, false, "an invalid call never reaches the charger");
    await assert.rejects(csms.send("NOPE", "ClearCache", {}), /'NOPE' is not connected/);
  });

  it("rejects a charger with a wrong Basic-auth password and accepts the right one", async () => {
    await start({ passwords: { CP1: "right-password-123" } });
    const rejections: string[] = [];
    csms.on("authRejected", ({ reason }) => rejections.push(reason));

    await assert.rejects(client("CP1", { password: "wrong" }).connect(), httpStatus(401));
    await assert.rejects(client("CP1").connect(), httpStatus(401));
    assert.deepEqual(rejections, ["wrong password", "Basic authentication required"]);
    assert.equal(csms.isConnected("CP1"), false);

    await connected("CP1", { password: "right-password-123" });
    assert.equal(csms.isConnected("CP1"), true);
    await connected("OTHER", { password: "anything" });
    assert.equal(csms.isConnected("OTHER"), true, "identities without a configured password may use any");
  });

  it("rejects a client that does not speak ocpp1.6", async () => {
    await start();
    await assert.rejects(client("CP1", { protocols: ["ocpp2.0.1"] }).connect(), httpStatus(400));
  });

  it("logs frames both ways and waits for a condition with waitFor", async () => {
    await start({ logLimit: 4 });
    const cp = await connected("CP1");
    const booted = csms.waitFor((c) => c.charger("CP1")?.boot?.chargePointVendor);
    await cp.call("BootNotification", BOOT);
    assert.equal(await booted, "Wattlight");
    for (let i = 0; i < 3; i++) await cp.call("Heartbeat", {});
    const frames = csms.frames("CP1");
    assert.equal(frames.length, 4, "log bounded to logLimit");
    assert.deepEqual(
      frames.map((f) => f.direction),
      ["cp-to-csms", "csms-to-cp", "cp-to-csms", "csms-to-cp"],
    );
    assert.ok(frames.every((f, i) => i === 0 || f.seq > frames[i - 1].seq));

    await assert.rejects(
      csms.waitFor(() => false, 20),
      /not met within 20 ms/,
    );
    await cp.close({ force: true });
    await csms.waitFor((c) => !c.isConnected("CP1"));
    assert.equal(csms.charger("CP1")?.connected, false);
  });

  it("types every CSMS-initiated OCPP 1.6 action, security white paper included", () => {
    for (const action of [
      "RemoteStartTransaction",
      "RemoteStopTransaction",
      "Reset",
      "ChangeAvailability",
      "ChangeConfiguration",
      "GetConfiguration",
      "ClearCache",
      "UnlockConnector",
      "DataTransfer",
      "SetChargingProfile",
      "ClearChargingProfile",
      "GetCompositeSchedule",
      "SendLocalList",
      "GetLocalListVersion",
      "ReserveNow",
      "CancelReservation",
      "TriggerMessage",
      "UpdateFirmware",
      "GetDiagnostics",
      "ExtendedTriggerMessage",
      "GetLog",
      "SignedUpdateFirmware",
    ]) {
      assert.ok((CSMS_ACTIONS as readonly string[]).includes(action), action);
    }
  });
});
