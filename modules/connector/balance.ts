/**
 * Local load and phase balancing: shares a per-phase circuit limit between
 * the active connectors of a board. Every admitted connector gets at least
 * 6 A (IEC 61851-1 minimum) or is paused (0 A); the rest of each phase is
 * then filled equally up to each connector's cap (the minimum of OCPP smart
 * charging, cable, ratings and what the EV actually takes).
 *
 * Fixed allocation: every array is created in the constructor; `balance`
 * allocates nothing and runs a bounded number of rounds.
 */

const MIN_A = 6;
const EPS = 1e-6;

export class LoadBalancer {
  /** Number of connectors. */
  readonly count: number;
  /** Input: cap per connector (A); 0 = not active. */
  readonly capA: Float64Array;
  /** Input: priority key per connector (smaller first, e.g. charging first, then activation time). */
  readonly priority: Float64Array;
  /** Output: allocated current per connector (A): 0 (paused) or >= 6. */
  readonly allocA: Float64Array;
  /** Supply phases each connector uses: uses[i * 3 + p] = 1. */
  private readonly uses: Uint8Array;
  private readonly remaining = new Float64Array(3);
  private readonly perPhase = new Float64Array(3);
  private readonly order: Int32Array;
  private readonly frozen: Uint8Array;
  private readonly increment: Float64Array;

  constructor(count: number) {
    this.count = count;
    this.capA = new Float64Array(count);
    this.priority = new Float64Array(count);
    this.allocA = new Float64Array(count);
    this.uses = new Uint8Array(count * 3);
    this.order = new Int32Array(count);
    this.frozen = new Uint8Array(count);
    this.increment = new Float64Array(count);
  }

  /** Declares which supply phases (0..2) connector `index` draws from. */
  setPhases(index: number, phaseA: number, phaseB: number, phaseC: number, phases: 1 | 3): void {
    const base = index * 3;
    this.uses[base] = 0;
    this.uses[base + 1] = 0;
    this.uses[base + 2] = 0;
    this.uses[base + phaseA] = 1;
    if (phases === 3) {
      this.uses[base + phaseB] = 1;
      this.uses[base + phaseC] = 1;
    }
  }

  /** True when connector `index` draws from supply phase `phase`. */
  usesPhase(index: number, phase: number): boolean {
    return this.uses[index * 3 + phase] === 1;
  }

  /** Computes `allocA` from `capA` and `priority` under `limitA` per phase. */
  balance(limitA: number): void {
    const n = this.count;
    const uses = this.uses;
    const remaining = this.remaining;
    const alloc = this.allocA;
    const cap = this.capA;
    const frozen = this.frozen;
    remaining[0] = limitA;
    remaining[1] = limitA;
    remaining[2] = limitA;

    // Priority order (insertion sort of a preallocated index array; n is small).
    const order = this.order;
    for (let i = 0; i < n; i++) {
      let j = i;
      while (j > 0 && this.priority[order[j - 1]] > this.priority[i]) {
        order[j] = order[j - 1];
        j--;
      }
      order[j] = i;
    }

    // Admission: 6 A each while every used phase still has 6 A.
    for (let k = 0; k < n; k++) {
      const i = order[k];
      alloc[i] = 0;
      frozen[i] = 1;
      if (cap[i] < MIN_A) continue;
      const base = i * 3;
      let fits = true;
      for (let p = 0; p < 3; p++) if (uses[base + p] === 1 && remaining[p] < MIN_A - EPS) fits = false;
      if (!fits) continue;
      for (let p = 0; p < 3; p++) if (uses[base + p] === 1) remaining[p] -= MIN_A;
      alloc[i] = MIN_A;
      frozen[i] = cap[i] - MIN_A > EPS ? 0 : 1;
    }

    // Water-filling of what is left, at most n + 1 rounds.
    const perPhase = this.perPhase;
    const increment = this.increment;
    for (let round = 0; round <= n; round++) {
      perPhase[0] = 0;
      perPhase[1] = 0;
      perPhase[2] = 0;
      let open = 0;
      for (let i = 0; i < n; i++) {
        if (frozen[i] === 1) continue;
        open++;
        for (let p = 0; p < 3; p++) if (uses[i * 3 + p] === 1) perPhase[p]++;
      }
      if (open === 0) break;
      for (let i = 0; i < n; i++) {
        increment[i] = 0;
        if (frozen[i] === 1) continue;
        let share = cap[i] - alloc[i];
        for (let p = 0; p < 3; p++) {
          if (uses[i * 3 + p] !== 1) continue;
          const fair = remaining[p] / perPhase[p];
          if (fair < share) share = fair;
        }
        increment[i] = share > 0 ? share : 0;
      }
      for (let i = 0; i < n; i++) {
        const inc = increment[i];
        if (inc <= 0) continue;
        alloc[i] += inc;
        for (let p = 0; p < 3; p++) if (uses[i * 3 + p] === 1) remaining[p] -= inc;
      }
      for (let i = 0; i < n; i++) {
        if (frozen[i] === 1) continue;
        if (cap[i] - alloc[i] <= EPS) {
          frozen[i] = 1;
          continue;
        }
        for (let p = 0; p < 3; p++) if (uses[i * 3 + p] === 1 && remaining[p] <= EPS) frozen[i] = 1;
      }
    }

    // Offer in 0.1 A steps, never above the exact share.
    for (let i = 0; i < n; i++) alloc[i] = Math.floor(alloc[i] * 10 + EPS) / 10;
  }
}
