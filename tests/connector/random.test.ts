import { strict as assert } from "node:assert";
import { BLOCKING_FAULTS, Fault } from "connector/types";
import { makeRig } from "./helpers.ts";

/** mulberry32: small seeded PRNG so a failure can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LIMITS = [Infinity, 0, 4, 6, 10, 16, 32, 80];
const CIRCUITS = [10, 16, 20, 32, 63];
const STEPS = 100_000;

describe("control loop: seeded random walk of EV actions, faults, limits and permissions", function () {
  this.timeout(60_000);

  for (const seed of [1, 20240611]) {
    it(`keeps the interlocks every tick for ${STEPS} steps (seed ${seed})`, function () {
      const random = prng(seed);
      const rig = makeRig({
        connectors: 2,
        circuitLimitA: 32,
        withLock: seed % 2 === 0,
        timing: { rcdRetryDelayMs: 2000, limitIncreaseHoldMs: 1000, reclaimHoldMs: 3000 },
        // Terminals heat and cool in seconds, so injected over-temperatures reach the trip within the walk.
        partTiming: { thermalTauMs: 5000 },
      });
      const tripC = rig.loop.timing.tempTripC;
      const n = rig.loop.connectors.length;
      const permitted = [false, false];
      const available = [true, true];
      const lastEntitledMs = [0, 0];
      const weldedSinceClear = [false, false];
      let circuit = 32;
      const seen = { closed: 0, faultOpen: 0, welded: 0, rcd: 0, paused: 0, overTemp: 0, derated: 0, hot: 0 };

      for (let step = 0; step < STEPS; step++) {
        // Random action (about one every 15 ticks).
        if (random() < 0.07) {
          const i = Math.floor(random() * n);
          const c = rig.loop.connectors[i];
          const sim = rig.sims[i];
          const roll = random();
          if (roll < 0.1) sim.ev.plug();
          else if (roll < 0.16) sim.ev.unplug();
          else if (roll < 0.3) sim.ev.ready = !sim.ev.ready;
          else if (roll < 0.33) sim.ev.ventilation = !sim.ev.ventilation;
          else if (roll < 0.37) sim.ev.stopDrawing = !sim.ev.stopDrawing;
          else if (roll < 0.5) {
            permitted[i] = random() < 0.7;
            c.setPermission(permitted[i]);
          } else if (roll < 0.53) {
            available[i] = random() < 0.8;
            c.setAvailable(available[i]);
          } else if (roll < 0.55) c.setReserved(random() < 0.5);
          else if (roll < 0.63) c.setOcppLimitA(LIMITS[Math.floor(random() * LIMITS.length)]);
          else if (roll < 0.66) {
            circuit = CIRCUITS[Math.floor(random() * CIRCUITS.length)];
            rig.loop.setCircuitLimitA(circuit);
          } else if (roll < 0.69) sim.ev.diode = random() < 0.7;
          else if (roll < 0.73) sim.faults.residual = random() < 0.6 ? "none" : random() < 0.5 ? "dc" : "ac";
          else if (roll < 0.75) sim.faults.selfTestFails = random() < 0.3;
          else if (roll < 0.76) sim.faults.welded = random() < 0.5;
          else if (roll < 0.78) sim.faults.failToClose = random() < 0.3;
          else if (roll < 0.81) sim.faults.pilotShort = random() < 0.3;
          else if (roll < 0.84) sim.faults.meterOffline = random() < 0.5;
          else if (roll < 0.86) sim.faults.lockJammed = random() < 0.3;
          else if (roll < 0.88) c.unlock();
          else if (roll < 0.9) {
            c.clearFaults(rig.nowMs);
            weldedSinceClear[i] = false;
          } else if (roll < 0.92) sim.faults.overTemperature = random() < 0.2;
          else if (roll < 0.93) sim.faults.temperatureSensorOpen = random() < 0.2;
        }

        // Physical conditions before the tick: the loop must honour them in this very tick.
        const pwmBefore0 = rig.sims[0].pilotDrive === "pwm";
        const pwmBefore1 = rig.sims[1].pilotDrive === "pwm";
        rig.run(rig.loop.timing.tickMs);
        const now = rig.nowMs;

        const usedA = [0, 0, 0];
        for (let i = 0; i < n; i++) {
          const c = rig.loop.connectors[i];
          const s = c.snapshot;
          const sim = rig.sims[i];
          assert.equal(s.relayClosed, sim.commandedClosed, "snapshot follows the contactor command");
          if ((s.faults & Fault.Welded) !== 0) weldedSinceClear[i] = true;
          const entitled = permitted[i] && available[i] && s.offeredA >= 6 && s.limitA >= 6;
          if (entitled) lastEntitledMs[i] = now;
          if (s.relayClosed) {
            seen.closed++;
            const where = `seed ${seed} step ${step} connector ${i + 1}`;
            assert.ok(sim.ev.plugged && sim.ev.ready && !sim.faults.pilotShort, `${where}: closed only in C/D`);
            assert.ok(s.pilotState === "C" || s.pilotState === "D", `${where}: debounced state ${s.pilotState}`);
            assert.equal(sim.faults.residual, "none", `${where}: closed with residual current`);
            assert.equal(s.selfTested, true, `${where}: closed without a self-test this session`);
            assert.equal(s.faults & BLOCKING_FAULTS, 0, `${where}: closed with fault bits ${s.faults}`);
            assert.equal(weldedSinceClear[i], false, `${where}: closed after a weld`);
            // The diode can only be checked on a PWM low phase: the tick must catch it when PWM ran during its sensing.
            const pwmSensed = i === 0 ? pwmBefore0 : pwmBefore1;
            assert.ok(sim.ev.diode || !pwmSensed, `${where}: closed with PWM on and no diode`);
            // Not entitled (permission, availability, limit < 6 A): only during the Table A.6 grace.
            assert.ok(now - lastEntitledMs[i] <= 6000 + 10, `${where}: closed ${now - lastEntitledMs[i]} ms unentitled`);
            if (!entitled) seen.paused++;
            // Relay closed => temperature below the trip (the sensor read this tick's temperature) and a valid sensor.
            assert.ok(sim.temperatureC < tripC, `${where}: closed at ${sim.temperatureC} °C`);
            assert.ok(!sim.faults.temperatureSensorOpen, `${where}: closed with the temperature sensor open`);
            if (s.temperatureCapA < Infinity) seen.derated++;
          } else if ((s.faults & BLOCKING_FAULTS) !== 0) seen.faultOpen++;
          if ((s.faults & Fault.Welded) !== 0) seen.welded++;
          if ((s.faults & Fault.RcdTrip) !== 0) seen.rcd++;
          if ((s.faults & Fault.Temperature) !== 0) seen.overTemp++;
          if (sim.temperatureC >= tripC) seen.hot++;
          // Load balancing: the PWM offers never exceed the circuit limit on any phase.
          for (let p = 0; p < 3; p++) if (rig.sims[i].phaseMap.includes(p)) usedA[p] += s.offeredA;
        }
        for (let p = 0; p < 3; p++) assert.ok(usedA[p] <= circuit + 1e-9, `phase ${p + 1} offered ${usedA[p]} A > ${circuit} A`);
      }
      // The walk must actually have exercised charging and the fault paths.
      assert.ok(seen.closed > 1000, `charged for ${seen.closed} ticks`);
      assert.ok(seen.faultOpen > 100, `faulted for ${seen.faultOpen} ticks`);
      assert.ok(seen.rcd > 0, "an RCD trip happened");
      assert.ok(seen.paused > 0, "the PWM-off grace was used");
      assert.ok(seen.overTemp > 0, "an over-temperature (or sensor failure) latched");
      assert.ok(seen.derated > 0, "charged while derated");
      assert.ok(seen.hot > 0, "a connector reached the trip temperature");
    });
  }
});
