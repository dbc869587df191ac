/** mulberry32: a small seeded PRNG (32-bit state), so any walk can be replayed from its seed. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A draw of one of `kinds`, each with a chance in proportion to its weight, from one number of
 * `random` (so a seeded walk replays). `fallback` covers a roll that rounding leaves unspent.
 */
export function weightedChoice<K extends string>(
  kinds: readonly K[],
  weights: Readonly<Record<K, number>>,
  fallback: K,
): (random: () => number) => K {
  let total = 0;
  for (const kind of kinds) total += weights[kind];
  return (random) => {
    let roll = random() * total;
    for (const kind of kinds) {
      roll -= weights[kind];
      if (roll < 0) return kind;
    }
    return fallback;
  };
}
