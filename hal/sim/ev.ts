/**
 * Simulated electric vehicle on one connector: plug, switch S2 (B -> C, or
 * D when it asks for ventilation), the pilot diode, and a charger that draws
 * min(offered, its own maximum) with a ramp, and can stop drawing.
 * Runs on XS too (no allocation after construction).
 */

export class SimEv {
  /** Cable plugged in. */
  plugged = false;
  /** S2 closed: the EV asks for power (state C, or D with `ventilation`). */
  ready = false;
  /** Asks for ventilation: state D instead of C. */
  ventilation = false;
  /** The pilot diode is fitted (a missing diode is a fault the charger must catch). */
  diode = true;
  /** The EV's own maximum current per phase (A). */
  maxA: number;
  /** Phases the on-board charger uses. */
  phases: 1 | 3;
  /** Ramp speed of the on-board charger (A per second). */
  rampAps: number;
  /** The EV stays ready but takes nothing (e.g. battery full). */
  stopDrawing = false;
  /** Current drawn now, per used phase (A). */
  drawA = 0;
  private lastMs = -1;

  constructor(maxA = 32, phases: 1 | 3 = 3, rampAps = 20) {
    this.maxA = maxA;
    this.phases = phases;
    this.rampAps = rampAps;
  }

  /** High-level pilot voltage this EV presents with the charger driving +12 V. */
  highLevelV(): number {
    if (!this.plugged) return 12;
    if (!this.ready) return 9;
    return this.ventilation ? 3 : 6;
  }

  /** Moves the on-board charger to `nowMs` given what the charger offers and whether power is present. */
  advance(nowMs: number, offeredA: number, powered: boolean): void {
    const dtMs = this.lastMs < 0 ? 0 : nowMs - this.lastMs;
    this.lastMs = nowMs;
    let target = 0;
    if (this.plugged && this.ready && powered && !this.stopDrawing && offeredA > 0) {
      target = offeredA < this.maxA ? offeredA : this.maxA;
    }
    if (!powered) {
      this.drawA = 0;
      return;
    }
    const step = (this.rampAps * dtMs) / 1000;
    if (this.drawA < target) this.drawA = this.drawA + step > target ? target : this.drawA + step;
    else if (this.drawA > target) this.drawA = this.drawA - step * 4 < target ? target : this.drawA - step * 4;
  }

  /** Plugs in with S2 open (state B). */
  plug(): void {
    this.plugged = true;
    this.ready = false;
  }

  /** Unplugs (state A). */
  unplug(): void {
    this.plugged = false;
    this.ready = false;
    this.drawA = 0;
  }
}
