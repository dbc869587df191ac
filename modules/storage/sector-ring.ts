/**
 * The sector ring shared by FlashQueue and FlashRing: sectors used
 * round-robin, ordered by the generation in their header. Each keeps its
 * per-sector state in typed arrays (valid, generation, erases); these are
 * the steps both do the same way over them.
 */
import type { FlashPartition } from "ports/flash";
import { SectorField } from "./sector-format";

const RETIRED = new Uint8Array(4);

/** The valid sector with the next higher generation after `sector`, or -1. */
/**
 * A per-sector table of numbers, zeroed. A plain array, not a typed one: on XS a typed array and
 * its buffer take 7 heap slots and a few sectors' numbers fit an array's 2 (docs/memory.md).
 */
export function sectorTable(count: number): number[] {
  const table: number[] = [];
  for (let i = 0; i < count; i++) table.push(0);
  return table;
}

export function nextInRing(valid: number[], generation: readonly number[], sector: number): number {
  const after = generation[sector];
  let best = -1;
  for (let s = 0; s < valid.length; s++) {
    if (valid[s] && generation[s] > after && (best < 0 || generation[s] < generation[best])) best = s;
  }
  return best;
}

/** The valid sector with the lowest generation, or -1. */
export function oldestInRing(valid: number[], generation: readonly number[]): number {
  let oldest = -1;
  for (let s = 0; s < valid.length; s++) {
    if (valid[s] && (oldest < 0 || generation[s] < generation[oldest])) oldest = s;
  }
  return oldest;
}

/**
 * The erase count `next` will have once erased again. Unknown for a blank
 * or torn sector: round-robin wear makes it one less than the sector before
 * it in the ring (`tail`, just erased).
 */
export function nextEraseCount(valid: number[], erases: readonly number[], next: number, tail: number): number {
  let count = erases[next];
  if (!valid[next]) count = tail >= 0 && valid[tail] ? erases[tail] - 1 : 0;
  return count < 0 ? 1 : (count + 1) % 0x100000000;
}

/**
 * Retires then erases a sector, leaving it invalid. Retire before erasing:
 * with its magic zeroed the sector stays free even if a torn erase leaves
 * old records (and reset pop markers) behind in any order.
 */
export function retireAndErase(flash: FlashPartition, valid: number[], sector: number): void {
  if (valid[sector]) flash.write(sector * flash.sectorSize + SectorField.magic, RETIRED);
  valid[sector] = 0;
  flash.erase(sector);
}
