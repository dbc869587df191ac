/**
 * ISO 8601 / RFC 3339 date-time to and from UTC milliseconds, in plain
 * ES2022: `Date.parse` accepts different shapes on different engines (XS,
 * V8), so OCPP timestamps are parsed here field by field.
 */

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function digitsAt(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = 0; i < count; i++) {
    const code = text.charCodeAt(at + i);
    if (code < 0x30 || code > 0x39) return -1;
    value = value * 10 + (code - 0x30);
  }
  return value;
}

/**
 * Parses `YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM|±HHMM]` into UTC ms.
 * No zone means UTC (OCPP 1.6 recommends UTC). Returns NaN when malformed.
 */
export function parseIsoUtcMs(text: string): number {
  if (text.length < 19) return NaN;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  const t = text.charCodeAt(10);
  if (text[4] !== "-" || text[7] !== "-" || (t !== 0x54 && t !== 0x74) || text[13] !== ":" || text[16] !== ":") return NaN;
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59) return NaN;
  if (second < 0 || second > 60) return NaN;
  const monthDays = month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1];
  if (day > monthDays) return NaN;

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

  let offsetMinutes = 0;
  if (at < text.length) {
    const zone = text[at];
    if (zone === "Z" || zone === "z") {
      at++;
    } else if (zone === "+" || zone === "-") {
      const zoneHours = digitsAt(text, at + 1, 2);
      const colon = text[at + 3] === ":" ? 1 : 0;
      const zoneMinutes = digitsAt(text, at + 3 + colon, 2);
      if (zoneHours < 0 || zoneHours > 23 || zoneMinutes < 0 || zoneMinutes > 59) return NaN;
      offsetMinutes = (zoneHours * 60 + zoneMinutes) * (zone === "-" ? -1 : 1);
      at += 5 + colon;
    } else return NaN;
  }
  if (at !== text.length) return NaN;

  // A leap second (":60") counts as the first instant of the next minute.
  const utcMs = Date.UTC(year, month - 1, day, hour, minute, second);
  return utcMs + Math.floor(fractionMs) - offsetMinutes * 60000;
}

function pad(value: number, width: number): string {
  let text = String(value);
  while (text.length < width) text = "0" + text;
  return text;
}

/** Formats UTC ms as `YYYY-MM-DDTHH:MM:SSZ`, with `.mmm` only when not whole seconds. */
export function formatIsoUtc(utcMs: number): string {
  const date = new Date(utcMs);
  const ms = date.getUTCMilliseconds();
  return (
    pad(date.getUTCFullYear(), 4) +
    "-" +
    pad(date.getUTCMonth() + 1, 2) +
    "-" +
    pad(date.getUTCDate(), 2) +
    "T" +
    pad(date.getUTCHours(), 2) +
    ":" +
    pad(date.getUTCMinutes(), 2) +
    ":" +
    pad(date.getUTCSeconds(), 2) +
    (ms === 0 ? "" : "." + pad(ms, 3)) +
    "Z"
  );
}
