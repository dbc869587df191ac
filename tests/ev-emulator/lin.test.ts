// The EV emulator as mcconfig builds it for lin (XS 17; the pilot line simulated, the line
// protocol over TCP 127.0.0.1, the emulator dialling us), run under mcsim and driven only through
// the line protocol with the rig's client. Built incrementally into build/ev-emulator. Without an
// SDK the suite says so and skips; with CI=true it never skips.
import assert from "node:assert/strict";
import type { Socket } from "node:net";
import { buildLinEvEmulator, type LinBuild } from "../../tools/lin/build.ts";
import { LinEvEmulator } from "../../tools/lin/ev-emulator.ts";
import { EV_EMULATOR_VERSION } from "../../tools/ev-emulator/emulator-config.ts";
import type { EvLinkMessage } from "../../tools/ev-emulator/protocol.ts";
import { EvEmulatorClient } from "../../tools/rig/ev-emulator-client.ts";
import { skipWithoutLinSdk } from "../support/lin-stack.ts";

/** Sends raw lines and collects the answer lines (reading events left out) until `count` came. */
function rawExchange(socket: Socket, lines: string[], count: number): Promise<EvLinkMessage[]> {
  return new Promise((resolve, reject) => {
    const answers: EvLinkMessage[] = [];
    let text = "";
    const timer = setTimeout(() => {
      socket.off("data", onData);
      reject(new Error(`only ${answers.length} of ${count} answers: ${JSON.stringify(answers)}`));
    }, 10_000);
    const onData = (chunk: Buffer): void => {
      text += chunk.toString();
      let at: number;
      while ((at = text.indexOf("\n")) >= 0) {
        const message = JSON.parse(text.slice(0, at)) as EvLinkMessage;
        text = text.slice(at + 1);
        if (message.t !== "reading") answers.push(message);
      }
      if (answers.length >= count) {
        clearTimeout(timer);
        socket.off("data", onData);
        resolve(answers);
      }
    };
    socket.on("data", onData);
    socket.write(lines.map((l) => `${l}\n`).join(""));
  });
}

describe("EV emulator lin build (mcconfig, XS 17) over TCP 127.0.0.1", function () {
  this.timeout(60_000);
  let build: LinBuild;
  let emulator: LinEvEmulator | undefined;
  let client: EvEmulatorClient | undefined;

  before(function () {
    this.timeout(1_800_000); // a first build compiles the XS runtime
    skipWithoutLinSdk(this);
    build = buildLinEvEmulator();
  });

  afterEach(async () => {
    client?.close();
    client = undefined;
    await emulator?.close();
    emulator = undefined;
  });

  async function connect(): Promise<{ socket: Socket; client: EvEmulatorClient }> {
    emulator = await LinEvEmulator.start(build);
    const socket = await emulator.connection();
    client = await EvEmulatorClient.connect(socket);
    return { socket, client };
  }

  it("says hello, presents state C and reads the simulated charger's 32 A offer from the circuit", async () => {
    const { client } = await connect();
    assert.deepEqual(client.hello, { t: "hello", v: 1, app: "wattlight-ev-emulator", version: EV_EMULATOR_VERSION, simulated: true });
    const before = await client.readings();
    assert.equal(before.signal, "x1", "the charger model starts at steady +12 V");
    assert.ok(Math.abs(before.highV! - 11.9) < 0.02, `${before.highV}`);
    const sim = await client.simCharger({ mode: "pwm", dutyPercent: 53.33 });
    assert.equal(sim.charger.mode, "pwm");
    const status = await client.setState("C");
    assert.deepEqual(
      Object.entries(status.switches)
        .filter(([, on]) => on)
        .map(([name]) => name),
      ["plug", "stateC"],
    );
    const reading = await client.readings();
    assert.equal(reading.signal, "pwm");
    assert.equal(reading.frequencyHz, 1000);
    assert.equal(reading.dutyPercent, 53.33);
    assert.equal(reading.offeredA, 32);
    assert.ok(Math.abs(reading.highV! - 5.97) < 0.02, `${reading.highV}`);
    assert.ok(Math.abs(reading.lowV! + 11.88) < 0.02, `${reading.lowV}`);
    assert.deepEqual(reading.checks, { frequency: "ok", highLevel: "ok", lowLevel: "ok" });
  });

  it("faults: the diode short moves the low level, CP shorted leaves no pilot, PE broken hides it", async () => {
    const { client } = await connect();
    await client.simCharger({ mode: "pwm", dutyPercent: 30 });
    await client.setState("C");
    await client.fault("diode", true);
    const diode = await client.readings();
    assert.ok(Math.abs(diode.lowV! + 5.6) < 0.05, `${diode.lowV}`);
    assert.equal(diode.checks.lowLevel, "high");
    await client.fault("diode", false);
    assert.equal((await client.fault("short", true)).chargerState, "E");
    assert.equal((await client.readings()).signal, "none");
    await client.fault("short", false);
    const pe = await client.fault("pe-break", true);
    assert.equal(pe.chargerState, "A");
    const sim = await client.simCharger({});
    assert.equal(sim.chargerCp.highV, 12, "the charger sees an open CP");
    assert.equal((await client.readings()).signal, "none");
    await client.fault("pe-break", false);
    assert.equal((await client.cable(20)).switches.pp20, true);
    const unplugged = await client.unplug();
    assert.equal(unplugged.state, "A");
    assert.ok(Math.abs((await client.readings()).highV! - 11.9) < 0.02);
  });

  it("answers every bad line (not JSON, no object, too long, unknown, wrong version) and goes on", async () => {
    const { socket } = await connect();
    const answers = await rawExchange(
      socket,
      [
        "state C",
        "[1]",
        `{"cmd":"ping","pad":"${"x".repeat(700)}"}`,
        '{"cmd":"jump","id":1}',
        '{"cmd":"ping","v":2,"id":2}',
        '{"cmd":"state","state":"Z","id":3}',
        '{"cmd":"ping","id":4}',
      ],
      7,
    );
    assert.deepEqual(answers.slice(0, 3), [
      { t: "error", error: "not JSON" },
      { t: "error", error: "a line must be a JSON object" },
      { t: "error", error: "line longer than 512 bytes" },
    ]);
    assert.deepEqual(
      answers.slice(3).map((a) => (a.t === "reply" ? [a.id, a.ok] : a.t)),
      [
        [1, false],
        [2, false],
        [3, false],
        [4, true],
      ],
    );
  });

  it("sends reading events on a change and dials again when the host drops the link", async () => {
    const { socket, client: first } = await connect();
    await first.report(0);
    await first.setState("B");
    await first.simCharger({ mode: "pwm", dutyPercent: 10 });
    const six = await first.waitForReading((r) => r.offeredA === 6 && r.expected === "B", 5000);
    assert.ok(Math.abs(six.highV! - 8.91) < 0.02, `${six.highV}`);
    first.close();
    socket.destroy();
    const again = await emulator!.connection(10_000);
    client = await EvEmulatorClient.connect(again);
    assert.equal((await client.status()).state, "B", "the emulator kept its state");
  });
});
