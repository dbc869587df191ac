// The bench link's protocol (docs/bench-link.md) on the Node simulator's firmware: hello and
// state on connect, commands answered by id, every bad line answered with an error line and
// nothing thrown, frames reported, re-dialling after the host goes away (the TCP dial stream), and
// what a physical board refuses.
import assert from "node:assert/strict";
import { BENCH_LINK_MAX_LINE, BENCH_LINK_VERSION, BenchLink } from "boot/bench/link";
import { TcpDialStream } from "boot/bench/tcp-dial-stream";
import type { TcpClient, TcpConnection, TcpEvents } from "ports/tcp";
import type { TimerHandle, Timers } from "ports/timers";
import { decodeUtf8, encodeUtf8 } from "util/utf8";
import type { SimStack } from "../../tools/sim/stack.ts";
import { startQuietStack } from "../support/sim-stack.ts";
import { waitUntil } from "../support/waits.ts";

class FakeTcp implements TcpClient {
  readonly dials: { host: string; port: number }[] = [];
  events: TcpEvents | undefined;
  written = "";
  /** Writes so far (a long frame goes in several). */
  writes = 0;
  connect(host: string, port: number, events: TcpEvents): TcpConnection {
    this.dials.push({ host, port });
    this.events = events;
    return {
      write: (bytes: Uint8Array) => {
        this.writes++;
        this.written += decodeUtf8(bytes);
      },
      pending: 0,
      close: () => undefined,
    };
  }
  /** Lines written since the last call, parsed. */
  take(): Record<string, unknown>[] {
    const lines = this.written.split("\n").filter((l) => l.length > 0);
    this.written = "";
    return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  }
  send(text: string): void {
    this.events!.onData(encodeUtf8(text));
  }
}

class ManualTimers implements Timers {
  readonly callbacks: (() => void)[] = [];
  once(callback: () => void): TimerHandle {
    this.callbacks.push(callback);
    return this.callbacks.length as unknown as TimerHandle;
  }
  every(): TimerHandle {
    return 0 as unknown as TimerHandle;
  }
  clear(): void {}
}

describe("bench link protocol", function () {
  this.timeout(30_000);
  let stack: SimStack;
  let tcp: FakeTcp;
  let timers: ManualTimers;
  let link: BenchLink;

  beforeEach(async () => {
    stack = await startQuietStack({ benchPort: null });
    const charger = stack.chargers[0];
    await waitUntil("the simulator booted", () => charger.firmware !== undefined);
    tcp = new FakeTcp();
    timers = new ManualTimers();
    link = new BenchLink({
      stream: new TcpDialStream({ tcp, timers, host: "127.0.0.1", port: 4321 }),
      timers,
      clock: { utcMs: () => Date.now() },
      sims: charger.sims,
      firmwareVersion: "9.9.9",
      log: () => undefined,
    });
    link.start(charger.firmware!);
    tcp.events!.onConnect();
  });

  /** A TxDefaultProfile on connector 1 from the dev CSMS, Relative, with these periods (A). */
  async function setProfile(periods: { startPeriod: number; limit: number }[]): Promise<void> {
    await waitUntil("online", () => stack.csms!.charger("SIM-0001")?.connected === true, 15_000);
    const answer = await stack.csms!.send("SIM-0001", "SetChargingProfile", {
      connectorId: 1,
      csChargingProfiles: {
        chargingProfileId: 4,
        stackLevel: 0,
        chargingProfilePurpose: "TxDefaultProfile",
        chargingProfileKind: "Relative",
        chargingSchedule: { chargingRateUnit: "A", chargingSchedulePeriod: periods },
      },
    });
    assert.deepEqual(answer, { status: "Accepted" });
  }

  afterEach(async () => {
    link.stop();
    await stack.close();
  });

  it("dials the host and says hello with its version, then the state", () => {
    assert.deepEqual(tcp.dials, [{ host: "127.0.0.1", port: 4321 }]);
    const [hello, state] = tcp.take();
    assert.equal(hello.t, "hello");
    assert.equal(hello.v, BENCH_LINK_VERSION);
    assert.equal(hello.firmwareVersion, "9.9.9");
    assert.equal(hello.connectors, 1);
    assert.equal(state.t, "state");
    const connectors = (state.state as { connectors: { connectorId: number; pilot: string; relayClosed: boolean }[] }).connectors;
    assert.deepEqual([connectors[0].connectorId, connectors[0].pilot, connectors[0].relayClosed], [1, "A", false]);
    assert.equal((connectors[0] as unknown as { dutyPercent: number }).dutyPercent, 100, "steady +12 V: 100 %");
  });

  it("runs commands and answers each by its id; the EV state reaches the simulated board", () => {
    tcp.take();
    tcp.send(`{"v":1,"id":7,"cmd":"ev","connectorId":1,"state":"B"}\n{"id":"x","cmd":"ping"}\n`);
    const lines = tcp.take();
    assert.deepEqual(lines[0], { t: "reply", id: 7, ok: true });
    assert.equal(lines[1].t, "state");
    assert.deepEqual(lines[2], { t: "reply", id: "x", ok: true, result: "pong" });
    assert.equal(stack.chargers[0].sims[0].ev.plugged, true);
    tcp.send(`{"id":8,"cmd":"fault","connectorId":1,"kind":"weld","active":true}\n`);
    assert.deepEqual(tcp.take()[0], { t: "reply", id: 8, ok: true });
    assert.equal(stack.chargers[0].sims[0].faults.welded, true);
  });

  it("answers every bad line with an error line and keeps going", () => {
    tcp.take();
    const bad = [
      "not json",
      "[1,2]",
      '{"id":1}',
      '{"id":2,"cmd":"warp"}',
      '{"id":3,"v":2,"cmd":"ping"}',
      '{"id":4,"cmd":"ev","connectorId":3,"state":"B"}',
      '{"id":5,"cmd":"ev","connectorId":1,"state":"Q"}',
      '{"id":6,"cmd":"ev","connectorId":1,"state":"F"}',
      '{"id":7,"cmd":"fault","connectorId":1,"kind":"weld","active":"yes"}',
      '{"id":8,"cmd":"card","idTag":""}',
      "x".repeat(BENCH_LINK_MAX_LINE + 10),
      '{"id":9,"cmd":"ping"}',
    ];
    tcp.send(`${bad.join("\n")}\n`);
    const lines = tcp.take();
    assert.deepEqual(
      lines.map((l) => (l.t === "error" ? "error" : `${String(l.id)}:${String(l.ok)}`)),
      ["error", "error", "1:false", "2:false", "3:false", "4:false", "5:false", "6:false", "7:false", "8:false", "error", "9:true"],
    );
    assert.match(String(lines[3].error), /unknown command 'warp'/);
    assert.match(String(lines[4].error), /version 2 not supported/);
    assert.match(String(lines[5].error), /connectorId must be an integer from 1 to 1/);
    assert.match(String(lines[10].error), /line longer than 2048 bytes/);
  });

  it("reports per-phase currents, power, the smart-charging limit and the session energy in its state", async () => {
    const [, first] = tcp.take();
    const idle = (first.state as { connectors: Record<string, unknown>[] }).connectors[0];
    assert.deepEqual(
      [idle.drawnPhasesA, idle.powerW, idle.smartLimitA, idle.sessionEnergyWh],
      [[0, 0, 0], 0, null, null],
      "idle: the meter reads 0 on every phase, no profile, no transaction",
    );
    await setProfile([{ startPeriod: 0, limit: 16 }]);
    tcp.send('{"id":1,"cmd":"state"}\n');
    const state = tcp.take().find((l) => l.t === "state")!.state as { connectors: Record<string, unknown>[] };
    assert.equal(state.connectors[0].smartLimitA, 16);
  });

  it("answers 'schedule' with the firmware's own GetCompositeSchedule handler, schema-checked", async () => {
    await setProfile([
      { startPeriod: 0, limit: 16 },
      { startPeriod: 600, limit: 8 },
    ]);
    tcp.take();
    tcp.send('{"id":1,"cmd":"schedule","connectorId":1,"duration":1200,"chargingRateUnit":"A"}\n');
    const [reply] = tcp.take();
    assert.equal(reply.ok, true, JSON.stringify(reply));
    // The same as a CSMS gets (the link's clock is the test's: only scheduleStart may differ).
    const conf = await stack.csms!.send("SIM-0001", "GetCompositeSchedule", { connectorId: 1, duration: 1200, chargingRateUnit: "A" });
    const result = reply.result as typeof conf;
    assert.match(result.scheduleStart ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual({ ...result, scheduleStart: "" }, { ...conf, scheduleStart: "" });
    assert.deepEqual(
      result.chargingSchedule?.chargingSchedulePeriod.map((p) => [p.startPeriod, p.limit]),
      [
        [0, 16],
        [600, 8],
      ],
    );
    tcp.send(
      [
        '{"id":2,"cmd":"schedule","connectorId":5,"duration":60}',
        '{"id":3,"cmd":"schedule","duration":60}',
        '{"id":4,"cmd":"schedule","connectorId":1,"duration":60,"chargingRateUnit":"kW"}',
        '{"id":5,"cmd":"schedule","connectorId":1,"duration":"long"}',
      ].join("\n") + "\n",
    );
    const lines = tcp.take().filter((l) => l.t === "reply");
    assert.deepEqual(lines[0], { t: "reply", id: 2, ok: true, result: { status: "Rejected" } }, "no connector 5: Rejected, as OCPP");
    assert.deepEqual(
      lines.slice(1).map((l) => [l.id, l.ok]),
      [
        [3, false],
        [4, false],
        [5, false],
      ],
    );
    assert.match(String(lines[1].error), /^schedule: connectorId: required/);
    assert.match(String(lines[2].error), /^schedule: chargingRateUnit: /);
    assert.match(String(lines[3].error), /^schedule: duration: /);
  });

  it("splits lines across reads and accepts CRLF", () => {
    tcp.take();
    tcp.send('{"id":1,"cm');
    assert.deepEqual(tcp.take(), []);
    tcp.send('d":"ping"}\r\n');
    assert.deepEqual(tcp.take(), [{ t: "reply", id: 1, ok: true, result: "pong" }]);
  });

  it("reports OCPP frames of the tapped WebSocket and dials again after the host went away", () => {
    tcp.take();
    link.frame("cp-to-csms", '[2,"1","Heartbeat",{}]');
    assert.deepEqual(tcp.take(), [{ t: "frame", direction: "cp-to-csms", text: '[2,"1","Heartbeat",{}]' }]);
    tcp.events!.onClose();
    link.frame("cp-to-csms", "lost");
    assert.deepEqual(tcp.take(), []);
    assert.equal(timers.callbacks.length, 1, "a re-dial is scheduled");
    timers.callbacks[0]();
    assert.equal(tcp.dials.length, 2);
    tcp.events!.onConnect();
    assert.equal(tcp.take()[0].t, "hello", "a hello again on the new connection");
  });

  it("writes a long frame in pieces that read back as one line with the exact text", () => {
    tcp.take();
    // Quotes, backslashes, control characters, accents and pairs on every side of the 512-character cuts.
    const text = `[3,"g1",{"configurationKey":[${Array.from({ length: 90 }, (_, i) => `{"key":"K${i}","value":"a\\"b\\\\c\\n é🔌${"x".repeat(i % 7)}"}`).join(",")}]}]`;
    assert.ok(text.length > 3 * 512);
    const before = tcp.writes;
    link.frame("cp-to-csms", text);
    assert.ok(tcp.writes - before > 3, `written in pieces (${tcp.writes - before})`);
    assert.deepEqual(tcp.take(), [{ t: "frame", direction: "cp-to-csms", text }]);
  });

  it("keeps frames for a host that connects later (listen mode), oldest dropped past its budget", () => {
    const wire = new FakeTcp();
    const late = new BenchLink({
      stream: new TcpDialStream({ tcp: wire, timers, host: "127.0.0.1", port: 4323 }),
      timers,
      clock: { utcMs: () => Date.now() },
      sims: stack.chargers[0].sims,
      firmwareVersion: "9.9.9",
      frameBacklogChars: 150, // two frame lines of about 70 characters
      log: () => undefined,
    });
    late.start(stack.chargers[0].firmware!);
    for (let i = 1; i <= 4; i++) late.frame("cp-to-csms", `[2,"${i}","Heartbeat",{}]`);
    wire.events!.onConnect();
    const lines = wire.take();
    late.stop();
    assert.deepEqual(
      lines.map((l) => (l.t === "frame" ? l.text : l.t)),
      ["hello", "state", '[2,"3","Heartbeat",{}]', '[2,"4","Heartbeat",{}]'],
      "after hello and state, the frames kept, oldest first",
    );
    assert.equal((lines[1].state as { dropped: number }).dropped, 2, "the two that did not fit are counted");
  });

  it("refuses power on any board: the bench host cuts the mains", () => {
    tcp.take();
    tcp.send('{"id":1,"cmd":"power","action":"cut"}\n');
    const [reply] = tcp.take();
    assert.equal(reply.ok, false);
    assert.match(String(reply.error), /cannot cut or restore its own mains/);
  });

  describe("on a physical board (no simulated parts)", () => {
    let physical: BenchLink;
    let wire: FakeTcp;

    beforeEach(() => {
      wire = new FakeTcp();
      physical = new BenchLink({
        stream: new TcpDialStream({ tcp: wire, timers, host: "127.0.0.1", port: 4322 }),
        timers,
        clock: { utcMs: () => Date.now() },
        sims: [],
        firmwareVersion: "9.9.9",
        log: () => undefined,
      });
      physical.start(stack.chargers[0].firmware!);
      wire.events!.onConnect();
    });

    afterEach(() => physical.stop());

    it("says it is not simulated and reports what the loop commands and the meter measures", () => {
      const [hello, state] = wire.take();
      assert.equal(hello.simulated, false);
      const connector = (state.state as { connectors: Record<string, unknown>[] }).connectors[0];
      assert.equal(connector.ev, null);
      assert.equal(connector.dutyPercent, null, "the duty is measured on the EV side (the EV emulator), not here");
      assert.equal(connector.relayClosed, false);
      assert.equal(typeof connector.offeredA, "number");
      assert.equal(typeof connector.energyWh, "number");
      assert.deepEqual(connector.drawnPhasesA, [0, 0, 0], "per phase from the loop's meter reading, on any board");
      assert.deepEqual([connector.powerW, connector.smartLimitA, connector.sessionEnergyWh], [0, null, null]);
    });

    it("refuses EV states and faults with an error line that says why", () => {
      wire.take();
      wire.send('{"id":1,"cmd":"ev","connectorId":1,"state":"B"}\n{"id":2,"cmd":"fault","connectorId":1,"kind":"weld","active":true}\n');
      const [ev, fault] = wire.take();
      assert.deepEqual([ev.id, ev.ok, fault.id, fault.ok], [1, false, 2, false]);
      assert.match(String(ev.error), /^ev: connector 1 is physical: its EV and faults are real/);
      assert.match(String(fault.error), /^fault: connector 1 is physical/);
    });
  });
});
