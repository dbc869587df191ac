/**
 * Nesting depth of JSON text, measured before JSON.parse sees it: XS parses
 * nested arrays and objects recursively on the native stack and a deep
 * enough text aborts the whole machine instead of throwing (about 5,000
 * levels in xsnap, far fewer on the board's task stack). No OCPP 1.6 message
 * nests deeper than 6 (frame, payload, csChargingProfiles, chargingSchedule,
 * chargingSchedulePeriod, a period).
 *
 * Only native string passes (indexOf, replace): on XS, `charCodeAt(i)` walks
 * the UTF-8 text from its start, so a loop over the characters of a 60 KB
 * frame would take quadratic time.
 */

/** Deepest nesting any OCPP-J frame needs, with room to spare. */
export const MAX_JSON_DEPTH = 16;

const indexOf = String.prototype.indexOf;
/** A JSON string literal (escapes included), unrolled so the engine does not backtrack per character. */
/** A new RegExp per use: a global one's lastIndex is written, and preloading freezes module-level objects on the board. */
const STRING_LITERALS = (): RegExp => /"[^"\\]*(?:\\[^][^"\\]*)*"/g;
const NOT_BRACKETS = (): RegExp => /[^[\]{}]+/g;
const INNERMOST_PAIRS = (): RegExp => /\[\]|\{\}/g;

/** Count of `char` in `text`, stopping once it passes `limit`. */
function countUpTo(text: string, char: string, limit: number): number {
  let count = 0;
  let at = indexOf.call(text, char, 0);
  while (at >= 0 && count <= limit) {
    count++;
    at = indexOf.call(text, char, at + 1);
  }
  return count;
}

/**
 * True when `text` opens more than `limit` arrays/objects inside each other
 * (brackets inside strings do not count; unbalanced brackets count as too
 * deep, the text is no JSON anyway). Cheap for ordinary frames: with no more
 * than `limit` opening brackets at all, the text cannot nest deeper.
 */
export function jsonNestingExceeds(text: string, limit: number = MAX_JSON_DEPTH): boolean {
  const arrays = countUpTo(text, "[", limit);
  if (arrays + countUpTo(text, "{", limit - arrays) <= limit) return false;
  let skeleton = text.replace(STRING_LITERALS(), "").replace(NOT_BRACKETS(), "");
  // Each pass takes away the innermost level; what is left after `limit` passes is deeper.
  for (let pass = 0; pass < limit && skeleton.length > 0; pass++) {
    const next = skeleton.replace(INNERMOST_PAIRS(), "");
    if (next.length === skeleton.length) return true; // unbalanced
    skeleton = next;
  }
  return skeleton.length > 0;
}
