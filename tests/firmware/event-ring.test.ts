/**
 * The control loop's events leave the tick through the hardware adapter's
 * preallocated ring: the OCPP side is called only after the tick returned,
 * in the same order, and an OCPP handler that throws or does a lot of work
 * can neither break the tick nor come before its safety actions.
 */
import { strict as assert } from "node:assert";
import { ControlLoop } from "connector/loop";
import { MAX_EVENTS_PER_TICK, type ConnectorEvent } from "connector/types";
import { createSimulatedBoard } from "hal/sim/charger";
import { LoopHardware } from "boot/hardware-adapter";
import type { ConnectorEvents } from "ocpp/charge-point-hw";
import { TimersLoopDriver, VirtualTime } from "platform/common/virtual-timers";

/** What the OCPP side of the firmware hears, as one line per event. */
const OCPP_VISIBLE: Partial<Record<ConnectorEvent, true>> = {
  plugged: true,
  unplugged: true,
  statusChanged: true,
  locked: true,
  lockFailed: true,
  suspendedEV: true,
  charging: true,
};

function rig(connectors = 1) {
  const sim = createSimulatedBoard({ connectors });
  const hardware = new LoopHardware(sim.board, () => undefined);
  /** The raw stream as the tick emits it (status read at that moment), for comparison. */
  const raw: string[] = [];
  let loop: ControlLoop | undefined;
  const onEvent = (connectorId: number, event: ConnectorEvent): void => {
    if (OCPP_VISIBLE[event]) {
      const snapshot = loop!.connector(connectorId).snapshot;
      raw.push(event === "statusChanged" ? `${connectorId}:status:${snapshot.status}/${snapshot.errorCode}` : `${connectorId}:${event}`);
    }
    hardware.handleEvent(connectorId, event);
  };
  loop = new ControlLoop(sim.board, onEvent);
  hardware.attach(loop);
  const time = new VirtualTime(0);
  const driver = new TimersLoopDriver(time, () => time.nowMs());
  return { sim, hardware, loop, raw, time, driver };
}

/** OCPP handlers recording what they hear and whether the contactor was already open then. */
function recorder(log: string[], hook: (line: string) => void = () => undefined): ConnectorEvents {
  const push = (line: string): void => {
    log.push(line);
    hook(line);
  };
  return {
    onPlugged: (id) => push(`${id}:plugged`),
    onUnplugged: (id) => push(`${id}:unplugged`),
    onStatusChanged: (id, status, errorCode) => push(`${id}:status:${status}/${errorCode}`),
    onEvSuspended: (id, suspended) => push(`${id}:${suspended ? "suspendedEV" : "charging"}`),
    onLocked: (id) => push(`${id}:locked`),
    onLockFailure: (id) => push(`${id}:lockFailed`),
  };
}

describe("firmware: loop events leave the tick through a preallocated ring", function () {
  it("calls no OCPP handler inside the tick; the after-tick drain delivers the same events in the same order", () => {
    const { sim, hardware, loop, raw, time, driver } = rig(2);
    const heard: string[] = [];
    let inTick = false;
    let calledInTick = 0;
    hardware.subscribe(
      recorder(heard, () => {
        if (inTick) calledInTick++;
      }),
    );
    // Step the tick by hand: nothing reaches OCPP until the drain.
    sim.sims[0].ev.plug();
    sim.sims[0].ev.ready = true;
    let now = 0;
    for (let i = 0; i < 10; i++) {
      inTick = true;
      loop.tick((now += 10));
      inTick = false;
      if (hardware.eventsPending > 0) {
        assert.equal(heard.length, 0, "nothing heard before the drain");
        hardware.drainEvents();
        assert.equal(hardware.eventsPending, 0);
      }
    }
    assert.ok(heard.includes("1:plugged"), heard.join());
    // Then through the driver as on the board (tick, then the after-tick hook).
    time.advanceTo(now);
    loop.start(driver);
    for (const id of [1, 2]) hardware.connectors[id - 1].setPermission(true);
    sim.sims[1].ev.plug();
    sim.sims[1].ev.ready = true;
    time.advance(3000);
    assert.equal(loop.connector(1).snapshot.status, "Charging");
    assert.equal(loop.connector(2).snapshot.status, "Charging");
    sim.sims[0].faults.residual = "ac";
    sim.sims[1].ev.unplug();
    time.advance(200);
    loop.stop();
    assert.equal(calledInTick, 0);
    assert.deepEqual(heard, raw, "the OCPP side hears the tick's events, in order, with the status of their moment");
    assert.ok(heard.includes("1:status:Faulted/GroundFailure") && heard.includes("2:unplugged"), heard.join());
    assert.equal(hardware.eventErrors, 0);
    assert.equal(hardware.eventOverflows, 0);
  });

  it("a throwing OCPP handler cannot break the tick: the relay opens in the tick the fault is seen", () => {
    const { sim, hardware, loop, time, driver } = rig(1);
    const heard: string[] = [];
    let openedAt = -1;
    const contactor = sim.sims[0].hal.contactor;
    const setClosed = contactor.setClosed.bind(contactor);
    contactor.setClosed = (closed: boolean, nowMs: number): void => {
      if (!closed && openedAt < 0 && loop.connector(1).snapshot.status === "Charging") openedAt = loop.ticks;
      setClosed(closed, nowMs);
    };
    const events = recorder(heard);
    const throwing: ConnectorEvents = {
      ...events,
      onStatusChanged: (id, status, errorCode) => {
        events.onStatusChanged(id, status, errorCode);
        throw new Error("OCPP handler failed");
      },
      onPlugged: (id) => {
        events.onPlugged(id);
        throw new Error("OCPP handler failed");
      },
    };
    hardware.subscribe(throwing);
    loop.start(driver);
    hardware.connectors[0].setPermission(true);
    sim.sims[0].ev.plug();
    sim.sims[0].ev.ready = true;
    time.advance(3000);
    assert.equal(loop.connector(1).snapshot.relayClosed, true);
    assert.ok(hardware.eventErrors >= 2, `errors counted: ${hardware.eventErrors}`);
    const errorsBefore = hardware.eventErrors;
    const ticksBefore = loop.ticks;
    // RCD trip: the tick that sees it opens the contactor, whatever the handlers do.
    sim.sims[0].faults.residual = "dc";
    time.advance(10);
    assert.equal(loop.ticks, ticksBefore + 1);
    assert.equal(loop.connector(1).snapshot.relayClosed, false, "opened in the first tick after the trip");
    assert.equal(openedAt, ticksBefore, "by the tick itself (loop.ticks not yet counted)");
    assert.equal(heard[heard.length - 1], "1:status:Faulted/GroundFailure");
    assert.equal(hardware.eventErrors, errorsBefore + 1);
    // The loop goes on ticking.
    time.advance(100);
    loop.stop();
    assert.equal(loop.ticks, ticksBefore + 11);
    assert.equal(loop.afterTickErrors, 0, "the drain caught the handler's errors itself");
  });

  it("a slow OCPP handler runs after the tick's safety actions, never before them", () => {
    const { sim, hardware, loop, time, driver } = rig(1);
    const heard: string[] = [];
    const relayAtHandler: boolean[] = [];
    let work = 0;
    hardware.subscribe(
      recorder(heard, () => {
        relayAtHandler.push(loop.connector(1).snapshot.relayClosed);
        for (let i = 0; i < 200_000; i++) work += i & 1; // a long handler (a flash write, JSON, a send)
      }),
    );
    loop.start(driver);
    hardware.connectors[0].setPermission(true);
    sim.sims[0].ev.plug();
    sim.sims[0].ev.ready = true;
    time.advance(3000);
    assert.equal(loop.connector(1).snapshot.relayClosed, true);
    const ticksBefore = loop.ticks;
    const heardBefore = heard.length;
    sim.sims[0].faults.residual = "ac"; // RCD trip: open and Faulted in this tick
    time.advance(10);
    assert.equal(loop.ticks, ticksBefore + 1);
    assert.equal(loop.connector(1).snapshot.relayClosed, false);
    assert.ok(heard.length > heardBefore, "the handler ran for that tick");
    for (let i = heardBefore; i < heard.length; i++) assert.equal(relayAtHandler[i], false, `${heard[i]} heard after the relay opened`);
    loop.stop();
    assert.ok(work > 0);
  });

  it("a throwing after-tick hook is counted by the loop and the driver keeps ticking", () => {
    const { loop, time, driver } = rig(1);
    loop.setAfterTick(() => {
      throw new Error("hook failed");
    });
    loop.start(driver);
    time.advance(100);
    loop.stop();
    assert.equal(loop.ticks, 10);
    assert.equal(loop.afterTickErrors, 10);
  });

  it("holds one worst-case tick per connector; beyond that it counts and reports the overflow, keeping order", () => {
    const { hardware } = rig(2);
    assert.equal(hardware.eventCapacity, 2 * MAX_EVENTS_PER_TICK);
    const heard: string[] = [];
    const reports: number[] = [];
    hardware.subscribe(recorder(heard));
    hardware.onEventOverflow((dropped) => reports.push(dropped));
    // Wrap around once first so the overflow happens on a ring whose head is not at 0.
    for (let i = 0; i < 5; i++) hardware.handleEvent(1, "charging");
    hardware.drainEvents();
    heard.length = 0;
    for (let i = 0; i < hardware.eventCapacity + 3; i++) hardware.handleEvent(i % 2 === 0 ? 1 : 2, i % 4 < 2 ? "plugged" : "unplugged");
    assert.equal(hardware.eventsPending, hardware.eventCapacity);
    assert.equal(hardware.eventOverflows, 3);
    assert.deepEqual(reports, [], "reported outside the tick only");
    hardware.drainEvents();
    assert.deepEqual(reports, [3]);
    assert.equal(heard.length, hardware.eventCapacity);
    for (let i = 0; i < heard.length; i++) assert.equal(heard[i], `${i % 2 === 0 ? 1 : 2}:${i % 4 < 2 ? "plugged" : "unplugged"}`);
    hardware.drainEvents();
    assert.deepEqual(reports, [3], "reported once per growth");
  });
});
