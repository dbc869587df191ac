// The rig's client (tools/rig/ev-emulator-client.ts) against the emulator's logic running in
// this process behind a real TCP connection on 127.0.0.1, wired as the lin build is (the emulator
// dials the host): typed commands, readings and their events, errors, a lost link dialled again;
// and over a bare stream that never says hello (a serial port opened after the board booted).
import assert from "node:assert/strict";
import { PassThrough, Duplex } from "node:stream";
import { nominalCalibration } from "../../tools/ev-emulator/adc-front-end.ts";
import { EvEmulator } from "../../tools/ev-emulator/emulator.ts";
import { SimulatedPilotLine } from "../../tools/ev-emulator/sim-line.ts";
import { evFaultFor, presentPilotState } from "../../tools/rig/ev-actions.ts";
import { EvEmulatorClient, EvEmulatorError } from "../../tools/rig/ev-emulator-client.ts";
import { HostTimers } from "platform/host/timers";
import { startHostEmulator, type HostEmulator } from "./helpers.ts";

describe("EV emulator client over TCP on 127.0.0.1 (the emulator's logic in Node)", function () {
  this.timeout(20_000);
  let host: HostEmulator;
  let client: EvEmulatorClient;

  beforeEach(async () => {
    host = await startHostEmulator();
    client = await EvEmulatorClient.connect(host.socket);
  });

  afterEach(async () => {
    client.close();
    await host.close();
  });

  it("reads the hello: protocol 1, a simulated line", () => {
    assert.equal(client.hello.v, 1);
    assert.equal(client.hello.app, "wattlight-ev-emulator");
    assert.equal(client.hello.simulated, true);
  });

  it("plugs, asks for power and reads what the charger offers: 32 A at 1 kHz, +6 / -12 V", async () => {
    await client.simCharger({ mode: "pwm", dutyPercent: 53.33 });
    assert.equal((await client.plug()).state, "B");
    const status = await client.setState("C");
    assert.equal(status.chargerState, "C");
    assert.equal(host.line.switches.stateC, true, "the relay moved");
    const reading = await client.readings();
    assert.equal(reading.expected, "C");
    assert.equal(reading.frequencyHz, 1000);
    assert.equal(reading.offeredA, 32);
    assert.ok(Math.abs(reading.highV! - 5.97) < 0.02, `${reading.highV}`);
    assert.deepEqual(reading.checks, { frequency: "ok", highLevel: "ok", lowLevel: "ok" });
    assert.equal((await client.unplug()).state, "A");
  });

  it("faults and the cable: each answered with the status, readings show the effect", async () => {
    await client.simCharger({ mode: "pwm", dutyPercent: 25 });
    await client.setState("C");
    let status = await client.fault("diode", true);
    assert.deepEqual(status.faults, ["diode"]);
    const reading = await client.readings();
    assert.equal(reading.checks.lowLevel, "high");
    status = await client.fault("short", true);
    assert.equal(status.chargerState, "E");
    assert.equal((await client.readings()).signal, "none");
    await client.fault("short", false);
    await client.fault("diode", false);
    assert.equal((await client.cable(63)).switches.pp63, true);
    assert.equal((await client.cable(null)).switches.pp63, false);
    assert.equal((await client.fault("pe-break", true)).chargerState, "A");
    assert.equal(await client.ping(), "pong");
  });

  it("onReading: events at once when the offer changes", async () => {
    await client.report(0);
    await client.setState("C");
    await client.simCharger({ mode: "pwm", dutyPercent: 16.67 });
    const ten = await client.waitForReading((r) => r.offeredA === 10, 5000);
    assert.equal(ten.offer, "ac");
    const seen: number[] = [];
    const stop = client.onReading((r) => r.offeredA !== null && seen.push(r.offeredA));
    await client.simCharger({ dutyPercent: 30 });
    await client.waitForReading((r) => r.offeredA === 18, 5000);
    stop();
    assert.ok(seen.includes(18), `${seen.join(",")}`);
  });

  it("a refused command rejects with the emulator's reason; the link goes on", async () => {
    await assert.rejects(client.report(5), (e: unknown) => e instanceof EvEmulatorError && /periodMs must be 0/.test(e.message));
    await assert.rejects(client.setState("E" as "A"), /state must be one of A, B, C, D/);
    assert.equal(await client.ping(), "pong");
  });

  it("a line the emulator cannot read comes back as an error line", async () => {
    const errors: string[] = [];
    client.onError((e) => errors.push(e));
    host.socket.write("not json\n");
    await client.ping();
    assert.deepEqual(errors, ["not JSON"]);
  });

  it("the host drops the link: the emulator dials again and says hello; state is kept", async () => {
    await client.setState("D");
    client.close();
    host.socket.destroy();
    const again = await host.connection();
    client = await EvEmulatorClient.connect(again);
    assert.equal((await client.status()).state, "D");
  });

  it("a closed link fails what is pending", async () => {
    const pending = client.readings();
    host.link.stop();
    await assert.rejects(pending, /the EV emulator.s link (closed|failed)/);
    await assert.rejects(client.ping(), EvEmulatorError);
  });

  describe("the bench API's EV actions on a rig (tools/rig/ev-actions.ts)", () => {
    it("maps A-D to the resistors, E to the CP-PE short (plugging in first), and refuses F", async () => {
      assert.equal((await presentPilotState(client, "C")).chargerState, "C");
      assert.equal((await presentPilotState(client, "E")).chargerState, "E");
      const back = await presentPilotState(client, "B");
      assert.deepEqual([back.chargerState, back.faults], ["B", []], "leaving E removes the short");
      await client.unplug();
      const shorted = await presentPilotState(client, "E");
      assert.deepEqual([shorted.state, shorted.chargerState], ["B", "E"]);
      await assert.rejects(presentPilotState(client, "F"), /cannot present it/);
    });

    it("keeps the short while the bench's pilot-short fault holds it", async () => {
      await client.fault(evFaultFor("pilot-short")!, true);
      const status = await presentPilotState(client, "C", true);
      assert.deepEqual([status.state, status.chargerState], ["C", "E"]);
    });

    it("knows which bench faults live on the EV's side of the cable", () => {
      assert.equal(evFaultFor("diode"), "diode");
      assert.equal(evFaultFor("pilot-short"), "short");
      for (const kind of ["rcd-dc", "rcd-ac", "weld", "meter-offline", "over-temp", "lock-jam"] as const)
        assert.equal(evFaultFor(kind), undefined);
    });
  });
});

describe("EV emulator client over a stream that never says hello", () => {
  /** Both ends of an in-memory byte stream: the host's Duplex and the emulator fed from it. */
  function bareLink(answer: boolean): { stream: Duplex; emulator: EvEmulator; stop(): void } {
    const toEmulator = new PassThrough();
    const toHost = new PassThrough();
    const stream = Duplex.from({ writable: toEmulator, readable: toHost });
    const line = new SimulatedPilotLine();
    const timers = new HostTimers();
    const emulator = new EvEmulator({
      switches: line,
      probe: line,
      timers,
      nowMs: () => Date.now(),
      calibration: nominalCalibration(),
      version: "bare",
    });
    emulator.attach({ sendLine: (text) => toHost.write(`${text}\n`) });
    if (answer) toEmulator.on("data", (chunk: Buffer) => emulator.receive(new Uint8Array(chunk)));
    emulator.start();
    return { stream, emulator, stop: () => emulator.stop() };
  }

  it("asks for the hello itself (a serial port opened after the board's boot)", async () => {
    const link = bareLink(true);
    try {
      const client = await EvEmulatorClient.connect(link.stream, { helloWaitMs: 50 });
      assert.equal(client.hello.version, "bare");
      assert.equal(client.hello.simulated, false);
      assert.equal((await client.setState("B")).state, "B");
      client.close();
    } finally {
      link.stop();
    }
  });

  it("gives up on a peer that never answers, and rejects a peer that is not an EV emulator", async () => {
    const silent = bareLink(false);
    try {
      await assert.rejects(
        EvEmulatorClient.connect(silent.stream, { helloWaitMs: 20, commandTimeoutMs: 100 }),
        /hello: no reply within 100 ms/,
      );
    } finally {
      silent.stop();
    }
    const other = new PassThrough();
    const stranger = Duplex.from({ writable: new PassThrough(), readable: other });
    other.write('{"t":"hello","v":1,"firmwareVersion":"0.1.0","deviceId":"LIN-0001"}\n');
    await assert.rejects(EvEmulatorClient.connect(stranger), /not an EV emulator of protocol 1/);
  });
});
