/**
 * Each CS-initiated action has one handler: a second registration throws at
 * boot instead of silently replacing the first (issue 10: Core's ClearCache
 * was replaced by the Local Auth one, which answered differently). The
 * booted firmware registers every action of the generated list that the
 * charge point answers, and refuses the others as the RPC framework says.
 */
import { strict as assert } from "node:assert";
import { Logger } from "ports/log";
import { VirtualTime } from "platform/common/virtual-timers";
import { MemoryLogSink } from "platform/host/log-console";
import { OcppEngine, type OcppAction } from "ocpp/rpc/engine";
import { OCPP16_VALIDATORS } from "ocpp/generated/ocpp16";
import type { HttpClient } from "ports/http";
import { SimFirmwareSlot } from "platform/common/sim-firmware-slot";
import { createSimulatedBoard } from "hal/sim/charger";
import { boot, newStorage, type Bench, type BootExtras } from "../support/firmware-rig.ts";
import { settle } from "../support/waits.ts";
import { CP_ACTIONS } from "../../tools/fuzz/frames.ts";

describe("OCPP action registry", function () {
  function engine(): OcppEngine {
    return new OcppEngine({ timers: new VirtualTime(), log: new Logger(new MemoryLogSink(), "rpc"), messageTimeoutS: () => 30 });
  }

  it("registering a handler for an action twice throws, and the first handler stays", async function () {
    const e = engine();
    const sent: string[] = [];
    e.connected((text) => sent.push(text) > 0);
    e.handle("ClearCache", () => ({ status: "Accepted" }), undefined);
    assert.throws(() => e.handle("ClearCache", () => ({ status: "Rejected" }), undefined), /ClearCache has a handler already/);
    assert.equal(e.hasAction("ClearCache"), true);
    e.receive(JSON.stringify([2, "m1", "ClearCache", {}]));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      sent.map((t) => JSON.parse(t) as unknown),
      [[3, "m1", { status: "Accepted" }]],
      "the first handler answers",
    );
  });

  it("different actions register side by side", function () {
    const e = engine();
    e.handle("ClearCache", () => ({ status: "Accepted" }), undefined);
    e.handle("GetLocalListVersion", () => ({ listVersion: 0 }), undefined);
    assert.ok(e.hasAction("ClearCache") && e.hasAction("GetLocalListVersion"));
  });
});

/**
 * The booted firmware against the generated action list: what the CSMS may
 * call is answered, each action by exactly one handler; what only the charge
 * point sends is known and refused with NotSupported [J 4.2.3].
 */
describe("OCPP action registry of the booted firmware", function () {
  /** The actions only the charge point initiates (OCPP 1.6 and the Security white paper); DataTransfer goes both ways. */
  const CHARGE_POINT_INITIATED: readonly string[] = CP_ACTIONS;
  /** Registered only when the platform has an HTTP client and a firmware slot. */
  const WITH_FIRMWARE_MANAGEMENT: readonly string[] = ["GetDiagnostics", "GetLog", "SignedUpdateFirmware", "UpdateFirmware"];
  const answered = Object.keys(OCPP16_VALIDATORS)
    .filter((action) => !CHARGE_POINT_INITIATED.includes(action))
    .sort();
  const unusedHttp: HttpClient = {
    get: () => Promise.reject(new Error("no HTTP in this test")),
    put: () => Promise.reject(new Error("no HTTP in this test")),
  };
  let running: Bench | undefined;

  afterEach(function () {
    running?.firmware.stop();
    running = undefined;
  });

  /** The firmware booted (its connection never starts: virtual time stands still), its engine fed by hand. */
  function bootedEngine(withFirmwareManagement: boolean): { engine: OcppEngine; answers: (id: string) => unknown[] | undefined } {
    const extras: BootExtras = withFirmwareManagement ? { platform: { http: unusedHttp, firmwareSlot: new SimFirmwareSlot() } } : {};
    running = boot(
      newStorage(),
      createSimulatedBoard({ connectors: 2 }),
      { deviceId: "OXS0001", csmsUrlTemplate: "ws://127.0.0.1:9/ocpp" },
      0,
      extras,
    );
    const engine = running.firmware.chargePoint.engine;
    const sent: unknown[][] = [];
    engine.connected((text) => sent.push(JSON.parse(text) as unknown[]) > 0);
    return { engine, answers: (id) => sent.find((frame) => frame[1] === id) };
  }

  it("registers every action the charge point answers exactly once", function () {
    assert.equal(answered.length, 26, "the CSMS-initiated actions of OCPP 1.6 and the Security white paper");
    const { engine } = bootedEngine(true);
    const registered = engine.registeredActions();
    assert.deepEqual(registered.slice().sort(), answered, "each answered action has a handler, nothing else has one");
    assert.equal(new Set(registered).size, registered.length, "no action registered twice");
    for (const action of answered) {
      assert.ok(engine.hasAction(action), action);
      assert.throws(
        () =>
          engine.handle(
            action as OcppAction,
            () => {
              throw new Error("never called");
            },
            undefined,
          ),
        /has a handler already/,
        action,
      );
    }
  });

  it("answers a known action it does not serve with CALLERROR NotSupported, an unknown one with NotImplemented", async function () {
    const { engine, answers } = bootedEngine(false);
    const notServed = [...CHARGE_POINT_INITIATED, ...WITH_FIRMWARE_MANAGEMENT];
    for (const [i, action] of notServed.entries()) {
      assert.equal(engine.hasAction(action), false, action);
      engine.receive(JSON.stringify([2, `n${i}`, action, {}]));
      await settle(); // the engine answers from a promise job
      const answer = answers(`n${i}`);
      assert.deepEqual(answer?.slice(0, 3), [4, `n${i}`, "NotSupported"], action);
    }
    engine.receive(JSON.stringify([2, "u1", "SetSomethingNew", {}]));
    await settle();
    assert.deepEqual(answers("u1")?.slice(0, 3), [4, "u1", "NotImplemented"]);
    engine.receive(JSON.stringify([2, "k1", "ClearCache", {}]));
    await settle();
    assert.deepEqual(answers("k1"), [3, "k1", { status: "Accepted" }], "a served action is answered");
  });
});
