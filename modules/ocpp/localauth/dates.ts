/**
 * ISO 8601 date-times of OCPP (expiryDate) to and from UTC seconds, parsed
 * field by field: `Date.parse` is not the same on XS and V8 for every shape.
 */

const CUMULATIVE_DAYS = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334] as const;

function digits(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = 0; i < count; i++) {
    const code = text.charCodeAt(at + i);
    if (code < 0x30 || code > 0x39) return -1;
    value = value * 10 + code - 0x30;
  }
  return value;
}

function daysFromEpoch(year: number, month: number, day: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const y = year - 1;
  const daysBeforeYear = y * 365 + Math.floor(y / 4) - Math.floor(y / 100) + Math.floor(y / 400) - 719162;
  return daysBeforeYear + CUMULATIVE_DAYS[month - 1] + (leap && month > 2 ? 1 : 0) + day - 1;
}

/**
 * `YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM|±HHMM]` to UTC milliseconds; no zone
 * means UTC. NaN when malformed.
 */
export function parseDateTimeMs(text: string): number {
  if (typeof text !== "string" || text.length < 19) return NaN;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  const sep = text[10];
  if (text[4] !== "-" || text[7] !== "-" || (sep !== "T" && sep !== "t" && sep !== " ") || text[13] !== ":" || text[16] !== ":") {
    return NaN;
  }
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59) return NaN;
  if (second < 0 || second > 60) return NaN;
  let at = 19;
  let fractionMs = 0;
  if (text[at] === ".") {
    at++;
    let scale = 100;
    const start = at;
    while (at < text.length) {
      const code = text.charCodeAt(at);
      if (code < 0x30 || code > 0x39) break;
      fractionMs += (code - 0x30) * scale;
      scale /= 10;
      at++;
    }
    if (at === start) return NaN;
  }
  let offsetMin = 0;
  if (at < text.length) {
    const zone = text[at];
    if ((zone === "Z" || zone === "z") && at + 1 === text.length) offsetMin = 0;
    else if (zone === "+" || zone === "-") {
      const rest = text.length - at - 1;
      const oh = digits(text, at + 1, 2);
      const om = rest === 5 && text[at + 3] === ":" ? digits(text, at + 4, 2) : rest === 4 ? digits(text, at + 3, 2) : rest === 2 ? 0 : -1;
      if (oh < 0 || oh > 23 || om < 0 || om > 59) return NaN;
      offsetMin = (zone === "+" ? 1 : -1) * (oh * 60 + om);
    } else return NaN;
  }
  const days = daysFromEpoch(year, month, day);
  return ((days * 24 + hour) * 60 + minute) * 60000 + second * 1000 + Math.floor(fractionMs) - offsetMin * 60000;
}

/** UTC milliseconds to `YYYY-MM-DDTHH:MM:SSZ` (or with `.mmm` when not whole seconds). */
export function formatDateTime(utcMs: number): string {
  const iso = new Date(utcMs).toISOString();
  return utcMs % 1000 === 0 ? iso.slice(0, 19) + "Z" : iso;
}
