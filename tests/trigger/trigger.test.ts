/**
 * TriggerMessage (OCTT TC_054, TC_055; reference §4.12) against a strict
 * ocpp-rpc CSMS, and the unknown-message path through the engine directly
 * (a strict CSMS cannot send an unknown requestedMessage).
 */
import { strict as assert } from "node:assert";
import { Logger } from "ports/log";
import { OcppEngine } from "ocpp/rpc/engine";
import { VirtualTime } from "platform/common/virtual-timers";
import { attachTriggerActions } from "ocpp/trigger/actions";
import type { TriggerTargets } from "ocpp/trigger/types";
import { FakeHardware, TestCsms } from "../support/csms-harness.ts";
import { MemoryLog } from "../support/logs.ts";
import { sleep, waitFor } from "../support/waits.ts";
import { statusesOf, useManagedRig, type ManagedCharger } from "../support/managed-charger.ts";
import { settle } from "../support/waits.ts";

describe("Remote Trigger: TriggerMessage with a CSMS", function () {
  const rig = useManagedRig();
  let csms: TestCsms;

  beforeEach(function () {
    csms = rig.csms;
  });

  async function charger(connectors = 1): Promise<ManagedCharger> {
    return rig.charger({ hardware: new FakeHardware(connectors) });
  }

  /** Calls TriggerMessage and checks that the triggered message came after the answer. */
  async function trigger(params: Record<string, unknown>): Promise<{ status: string; before: number }> {
    const before = csms.received.length;
    const conf = await csms.call("TriggerMessage", params);
    return { status: String(conf.status), before };
  }

  it("TC_054 trigger MeterValues, Heartbeat, StatusNotification, DiagnosticsStatusNotification (Idle), FirmwareStatusNotification (Idle)", async function () {
    await charger();
    let r = await trigger({ requestedMessage: "MeterValues", connectorId: 1 });
    assert.equal(r.status, "Accepted");
    const mv = await csms.waitForCall("MeterValues");
    assert.equal(mv.params.connectorId, 1);
    const values = (mv.params.meterValue as Array<{ sampledValue: Array<{ context?: string; measurand?: string; value: string }> }>)[0]
      .sampledValue;
    assert.ok(values.length > 0);
    for (const v of values) assert.equal(v.context, "Trigger");
    assert.equal(values[0].measurand, "Energy.Active.Import.Register");
    assert.equal(values[0].value, "1000");

    r = await trigger({ requestedMessage: "Heartbeat" });
    assert.equal(r.status, "Accepted");
    await csms.waitForCall("Heartbeat");

    const statusCount = csms.calls("StatusNotification").length;
    r = await trigger({ requestedMessage: "StatusNotification", connectorId: 1 });
    assert.equal(r.status, "Accepted");
    const sn = await csms.waitForCall("StatusNotification", statusCount + 1);
    assert.equal(sn.params.connectorId, 1);
    assert.equal(sn.params.status, "Available");
    assert.equal(sn.params.errorCode, "NoError");

    r = await trigger({ requestedMessage: "DiagnosticsStatusNotification" });
    assert.equal(r.status, "Accepted");
    await csms.waitForCall("DiagnosticsStatusNotification");
    assert.deepEqual(statusesOf(csms, "DiagnosticsStatusNotification"), ["Idle"]);

    r = await trigger({ requestedMessage: "FirmwareStatusNotification" });
    assert.equal(r.status, "Accepted");
    await csms.waitForCall("FirmwareStatusNotification");
    assert.deepEqual(statusesOf(csms, "FirmwareStatusNotification"), ["Idle"]);
  });

  it("TC_055 trigger for connector NumberOfConnectors+1 is Rejected and sends nothing", async function () {
    await charger(2);
    const before = csms.received.length;
    for (const requestedMessage of ["MeterValues", "StatusNotification", "Heartbeat"]) {
      const conf = await csms.call("TriggerMessage", { requestedMessage, connectorId: 3 });
      assert.equal(conf.status, "Rejected", requestedMessage);
    }
    await sleep(30);
    assert.equal(csms.received.length, before, "no triggered message");
  });

  it("StatusNotification without connectorId: connector 0 and every connector; MeterValues without: every connector", async function () {
    await charger(2);
    const statusBefore = csms.calls("StatusNotification").length;
    assert.equal((await trigger({ requestedMessage: "StatusNotification" })).status, "Accepted");
    await csms.waitForCall("StatusNotification", statusBefore + 3);
    const ids = csms
      .calls("StatusNotification")
      .slice(statusBefore)
      .map((c) => c.params.connectorId);
    assert.deepEqual(ids, [0, 1, 2]);
    assert.equal((await trigger({ requestedMessage: "MeterValues" })).status, "Accepted");
    await csms.waitForCall("MeterValues", 2);
    assert.deepEqual(
      csms.calls("MeterValues").map((c) => c.params.connectorId),
      [1, 2],
    );
  });

  it("MeterValues during a transaction carry its transactionId", async function () {
    const m = await charger();
    m.charger.connector.plug();
    await csms.call("RemoteStartTransaction", { idTag: "REMOTE1", connectorId: 1 });
    await csms.waitForCall("StartTransaction");
    await waitFor("transactionId known", () => m.charger.cp.transactions.transactionOn(1)?.transactionId === 100);
    const before = csms.calls("MeterValues").length;
    await trigger({ requestedMessage: "MeterValues", connectorId: 1 });
    const mv = await csms.waitForCall("MeterValues", before + 1);
    assert.equal(mv.params.transactionId, 100);
  });

  it("BootNotification once Accepted is Rejected (ERR 3.35); connectorId ignored for Heartbeat", async function () {
    await charger();
    const boots = csms.calls("BootNotification").length;
    assert.equal((await trigger({ requestedMessage: "BootNotification" })).status, "Rejected");
    const hb = await trigger({ requestedMessage: "Heartbeat", connectorId: 1 });
    assert.equal(hb.status, "Accepted");
    await csms.waitForCall("Heartbeat");
    assert.equal(csms.calls("BootNotification").length, boots);
  });

  it("FirmwareStatusNotification trigger during a download reports Downloading", async function () {
    const m = await charger();
    // A location that never answers quickly is not needed: the phase is read synchronously.
    await csms.call("UpdateFirmware", {
      location: "http://127.0.0.1:1/fw.bin",
      retrieveDate: new Date(Date.now() - 1000).toISOString(),
      retries: 0,
    });
    m.charger.advance(0);
    assert.equal(m.fm.firmware.triggeredStatus(), "Downloading");
    await waitFor("DownloadFailed", () => statusesOf(csms, "FirmwareStatusNotification").includes("DownloadFailed"));
    assert.equal(m.fm.firmware.triggeredStatus(), "Idle");
  });
});

describe("Remote Trigger: TriggerMessage through the engine", function () {
  let sent: unknown[][];
  let engine: OcppEngine;
  const calls: string[] = [];

  function targets(partial: Partial<TriggerTargets> = {}): TriggerTargets {
    return {
      connectorCount: 2,
      canSendBootNotification: () => true,
      sendBootNotification: () => calls.push("boot"),
      sendHeartbeat: () => calls.push("heartbeat"),
      sendStatusNotification: (id) => calls.push(`status ${id}`),
      sendMeterValues: (id) => calls.push(`meter ${id}`) > 0,
      ...partial,
    };
  }

  beforeEach(function () {
    sent = [];
    calls.length = 0;
    engine = new OcppEngine({ timers: new VirtualTime(0), log: new Logger(new MemoryLog(), "rpc"), messageTimeoutS: () => 30 });
    engine.connected((text) => {
      sent.push(JSON.parse(text) as unknown[]);
      return true;
    });
  });

  async function receive(payload: Record<string, unknown>): Promise<unknown[]> {
    engine.receive(JSON.stringify([2, "t1", "TriggerMessage", payload]));
    await settle(); // the engine answers from a promise job
    return sent[sent.length - 1];
  }

  it("an unknown requestedMessage is NotImplemented, not a CALLERROR", async function () {
    attachTriggerActions(engine, targets());
    assert.deepEqual(await receive({ requestedMessage: "SignChargePointCertificate" }), [3, "t1", { status: "NotImplemented" }]);
    assert.deepEqual(calls, []);
  });

  it("a malformed request still gets the schema CALLERROR", async function () {
    attachTriggerActions(engine, targets());
    const frame = await receive({ requestedMessage: 5 });
    assert.equal(frame[0], 4);
    const extra = await receive({ requestedMessage: "Heartbeat", extra: 1 });
    assert.equal(extra[0], 4);
    assert.deepEqual(calls, []);
  });

  it("Diagnostics/Firmware status without Firmware Management: NotImplemented", async function () {
    attachTriggerActions(engine, targets());
    assert.deepEqual(await receive({ requestedMessage: "FirmwareStatusNotification" }), [3, "t1", { status: "NotImplemented" }]);
    assert.deepEqual(await receive({ requestedMessage: "DiagnosticsStatusNotification" }), [3, "t1", { status: "NotImplemented" }]);
  });

  it("BootNotification before Accepted is sent after the answer", async function () {
    attachTriggerActions(engine, targets({ sendBootNotification: () => calls.push(`boot after ${sent.length} frames`) }));
    assert.deepEqual(await receive({ requestedMessage: "BootNotification" }), [3, "t1", { status: "Accepted" }]);
    assert.deepEqual(calls, ["boot after 1 frames"]);
  });

  it("every triggered message is sent after the answer frame went out", async function () {
    const seen: string[] = [];
    const mark = (what: string) => (): void => {
      seen.push(`${what}:${String(sent.length > 0 && sent[sent.length - 1][0] === 3)}`);
    };
    attachTriggerActions(
      engine,
      targets({
        sendBootNotification: mark("boot"),
        sendHeartbeat: mark("heartbeat"),
        sendStatusNotification: mark("status"),
        sendMeterValues: () => {
          mark("meter")();
          return true;
        },
        sendDiagnosticsStatus: mark("diagnostics"),
        sendFirmwareStatus: mark("firmware"),
      }),
    );
    for (const requestedMessage of [
      "BootNotification",
      "Heartbeat",
      "StatusNotification",
      "MeterValues",
      "DiagnosticsStatusNotification",
      "FirmwareStatusNotification",
    ]) {
      sent.length = 0;
      await receive({ requestedMessage, connectorId: 1 });
    }
    assert.deepEqual(seen, ["boot:true", "heartbeat:true", "status:true", "meter:true", "diagnostics:true", "firmware:true"]);
  });

  it("StatusNotification for connector 0 only; MeterValues connectorId 0 means every connector", async function () {
    attachTriggerActions(engine, targets());
    await receive({ requestedMessage: "StatusNotification", connectorId: 0 });
    await receive({ requestedMessage: "MeterValues", connectorId: 0 });
    assert.deepEqual(calls, ["status 0", "meter 1", "meter 2"]);
  });
});
