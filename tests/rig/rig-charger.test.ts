// The rig target on the host, against a fake board's firmware (tests/rig/fake-board.ts): what it
// does for a physical board (501 with the reason where the rig has no EV emulator or relay; the
// EV emulator's plug/unplug/setState/fault/mains/duty where it has one), the serial path (the
// host asks for the hello; the board's console lines are logged), re-opening after a loss, and
// the npm serialport package loaded on demand.
import assert from "node:assert/strict";
import { MemoryLogSink } from "platform/host/log-console";
import type { FaultKind, PilotState } from "../../tools/bench-api/target.ts";
import { parseRigAddress } from "../../tools/rig/address.ts";
import type { EvActuator, PowerRelay } from "../../tools/rig/ev-actuator.ts";
import { startRigStack, type RigStack } from "../../tools/rig/rig-stack.ts";
import { getState } from "../support/sim-stack.ts";
import { waitUntil } from "../support/waits.ts";
import { FakeBoard, serialTo, serveOverTcp } from "./fake-board.ts";

class FakeEvEmulator implements EvActuator {
  readonly calls: string[] = [];
  readonly mains: PowerRelay = { setMains: async (on) => void this.calls.push(`mains ${on ? "on" : "off"}`) };
  async plug(connectorId: number): Promise<void> {
    this.calls.push(`plug ${connectorId}`);
  }
  async unplug(connectorId: number): Promise<void> {
    this.calls.push(`unplug ${connectorId}`);
  }
  async setState(connectorId: number, state: Exclude<PilotState, "A">): Promise<void> {
    this.calls.push(`state ${connectorId} ${state}`);
  }
  async fault(connectorId: number, kind: FaultKind, active: boolean): Promise<void> {
    this.calls.push(`fault ${connectorId} ${kind} ${active}`);
  }
  dutyPercent(connectorId: number): number | null {
    return connectorId === 1 ? 53.3 : null;
  }
  async close(): Promise<void> {
    this.calls.push("close");
  }
}

async function post(url: string, path: string, body: unknown): Promise<{ status: number; error?: string }> {
  const res = await fetch(`${url}${path}`, { method: "POST", body: JSON.stringify(body) });
  const json = (await res.json()) as { error?: string };
  return { status: res.status, error: json.error };
}

describe("rig target against a fake board", function () {
  this.timeout(30_000);
  let stack: RigStack | undefined;
  let served: Awaited<ReturnType<typeof serveOverTcp>> | undefined;
  let logs: MemoryLogSink;

  beforeEach(() => {
    logs = new MemoryLogSink();
  });

  afterEach(async () => {
    await stack?.close();
    stack = undefined;
    await served?.close();
    served = undefined;
  });

  async function rigOver(board: FakeBoard, extra: Partial<Parameters<typeof startRigStack>[0]> = {}): Promise<string> {
    served = await serveOverTcp(board);
    stack = await startRigStack({ rig: parseRigAddress(`tcp:127.0.0.1:${served.port}`), benchPort: 0, log: logs, retryMs: 50, ...extra });
    assert.equal(stack.linked, true);
    return stack.bench!.url;
  }

  it("takes the board's identity, connectors and state from its link", async () => {
    const url = await rigOver(new FakeBoard(false));
    const charger = stack!.chargers[0];
    assert.equal(charger.identity, "BOARD-7");
    assert.equal(charger.simulatedBoard, false);
    const state = await getState(url);
    assert.equal(state.firmwareVersion, "1.2.3");
    assert.equal(state.connectors.length, 2);
    assert.deepEqual(
      state.connectors.map((c) => [c.energyWh, c.ev, c.dutyPercent]),
      [
        [1000, "A", null],
        [2000, "A", null],
      ],
      "without an EV emulator the EV is what the pilot shows and no duty is measured",
    );
    assert.equal(state.power, "on");
    assert.equal(state.connection, "online");
  });

  it("answers 501 with the reason for a physical board's EV, faults, power and a network it does not reach through the rig", async () => {
    const url = await rigOver(new FakeBoard(false));
    const ev = await post(url, "/ev", { connector: 1, state: "B" });
    assert.equal(ev.status, 501);
    assert.match(ev.error!, /is physical: EV states come from an EV emulator on its cable.*--ev serial:/);
    const fault = await post(url, "/fault", { connector: 1, kind: "rcd-dc", active: true });
    assert.equal(fault.status, 501);
    assert.match(fault.error!, /faults come from an EV emulator/);
    const power = await post(url, "/power", { action: "cut" });
    assert.equal(power.status, 501);
    assert.match(power.error!, /a power cut needs a relay in the charger's mains/);
    const network = await post(url, "/network", { action: "drop" });
    assert.equal(network.status, 501);
    assert.match(network.error!, /does not reach the CSMS through the rig's proxy/);
    const card = await post(url, "/card", { idTag: "04A1B2C3", connector: 2 });
    assert.equal(card.status, 200, "a card is the board's own reader path");
  });

  it("drives a physical board's EV, faults and mains through the EV emulator, and shows the duty it measures", async () => {
    const emulator = new FakeEvEmulator();
    const board = new FakeBoard(false);
    const url = await rigOver(board, { evActuator: emulator });
    for (const state of ["B", "C", "B", "A", "C"]) assert.equal((await post(url, "/ev", { connector: 1, state })).status, 200, state);
    assert.equal((await post(url, "/fault", { connector: 2, kind: "diode", active: true })).status, 200);
    assert.equal((await post(url, "/power", { action: "cut" })).status, 200);
    assert.deepEqual(emulator.calls, [
      "plug 1",
      "state 1 C",
      "state 1 B",
      "unplug 1",
      "plug 1",
      "state 1 C",
      "fault 2 diode true",
      "mains off",
    ]);
    const state = await getState(url);
    assert.equal(state.power, "off");
    assert.deepEqual(
      state.connectors.map((c) => [c.ev, c.dutyPercent, c.faults]),
      [
        ["C", 53.3, []],
        ["A", null, ["diode"]],
      ],
    );
    assert.ok(!board.commands.some((c) => c.cmd === "ev" || c.cmd === "fault"), "nothing of the EV went to the board");
    await stack!.close();
    stack = undefined;
    assert.equal(emulator.calls.at(-1), "close", "the rig closes the EV emulator");
  });

  it("sends a simulated board's EV states and faults over its link", async () => {
    const board = new FakeBoard(true);
    const url = await rigOver(board);
    assert.equal((await post(url, "/ev", { connector: 2, state: "C" })).status, 200);
    assert.equal((await post(url, "/fault", { connector: 1, kind: "weld", active: true })).status, 200);
    assert.deepEqual(
      board.commands.filter((c) => c.cmd === "ev" || c.cmd === "fault").map((c) => [c.cmd, c.connectorId]),
      [
        ["ev", 2],
        ["fault", 1],
      ],
    );
  });

  it("opens the link again when the board drops it, and links on its next hello", async () => {
    const board = new FakeBoard(true);
    await rigOver(board);
    served!.sockets[0].destroy();
    await waitUntil("a second connection", () => served!.sockets.length === 2, 10_000);
    await waitUntil("linked again", () => stack!.chargers[0].getState().connection === "online", 10_000);
    assert.ok(logs.lines.some((l) => /the board closed the connection; opening tcp:127\.0\.0\.1:\d+ again/.test(l)));
  });

  it("over a serial port: asks for the hello and the state, logs the board's console lines, shows its frames", async () => {
    const board = new FakeBoard(false);
    const opened: string[] = [];
    stack = await startRigStack({
      rig: parseRigAddress("serial:/dev/ttyFAKE0@921600"),
      serialPorts: serialTo(board, opened),
      benchPort: 0,
      log: logs,
    });
    assert.equal(stack.linked, true, "the answer to the host's hello links a serial line");
    assert.deepEqual(opened, ["/dev/ttyFAKE0@921600"]);
    assert.deepEqual(
      board.commands.slice(0, 2).map((c) => c.cmd),
      ["hello", "state"],
    );
    board.say("I (1234) wifi: connected");
    board.say(JSON.stringify({ t: "frame", direction: "cp-to-csms", text: '[2,"9","Heartbeat",{}]' }));
    const url = stack.bench!.url;
    await waitUntil("the frame on the bench", async () => (await (await fetch(`${url}/log`)).text()).includes('"Heartbeat"'), 10_000);
    assert.ok(logs.lines.some((l) => l.includes("board: I (1234) wifi: connected")));
    assert.equal((await getState(url)).connectors[1].energyWh, 2000);
  });

  it("loads the npm serialport package only for a serial rig, and keeps trying a device that is not there", async () => {
    stack = await startRigStack({
      rig: parseRigAddress("serial:/dev/oxs-no-such-tty"),
      benchPort: 0,
      log: logs,
      helloTimeoutMs: 300,
      csmsUrl: "ws://127.0.0.1:9/ocpp/{deviceId}",
    });
    assert.equal(stack.linked, false);
    await waitUntil(
      "the failure logged",
      () => logs.lines.some((l) => /cannot open serial:\/dev\/oxs-no-such-tty@115200: .*(No such file|ENOENT).*\(trying again\)/.test(l)),
      10_000,
    );
    const state = stack.chargers[0].getState();
    assert.equal(state.connection, "connecting", "powered, network up, not linked");
  });
});
