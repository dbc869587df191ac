/**
 * ISO 8601 / RFC 3339 date-times of OCPP to and from UTC milliseconds, in
 * plain ES2022: `Date.parse` accepts different shapes on different engines
 * (XS, V8), so OCPP timestamps are parsed here field by field.
 */

const CUMULATIVE_DAYS = Object.freeze([0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334] as const);
const DAYS_IN_MONTH = Object.freeze([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const);

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** The decimal number of `count` digits at `at`, -1 when one is not a digit. */
function digits(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = 0; i < count; i++) {
    const code = text.charCodeAt(at + i);
    if (code < 0x30 || code > 0x39) return -1;
    value = value * 10 + (code - 0x30);
  }
  return value;
}

/** Days from 1970-01-01 (proleptic Gregorian); a day past the month's end rolls over. */
function daysFromEpoch(year: number, month: number, day: number): number {
  const y = year - 1;
  const daysBeforeYear = y * 365 + Math.floor(y / 4) - Math.floor(y / 100) + Math.floor(y / 400) - 719162;
  return daysBeforeYear + CUMULATIVE_DAYS[month - 1] + (isLeapYear(year) && month > 2 ? 1 : 0) + day - 1;
}

function parse(text: string, lenient: boolean): number {
  if (typeof text !== "string" || text.length < 19) return NaN;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  const sep = text[10];
  if (
    text[4] !== "-" ||
    text[7] !== "-" ||
    (sep !== "T" && sep !== "t" && !(lenient && sep === " ")) ||
    text[13] !== ":" ||
    text[16] !== ":"
  ) {
    return NaN;
  }
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59) return NaN;
  if (second < 0 || second > 60) return NaN;
  if (!lenient && day > (month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1])) return NaN;

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
    const rest = text.length - at - 1;
    if (zone === "Z" || zone === "z") {
      if (rest !== 0) return NaN;
    } else if (zone === "+" || zone === "-") {
      const oh = digits(text, at + 1, 2);
      const om =
        rest === 5 && text[at + 3] === ":"
          ? digits(text, at + 4, 2)
          : rest === 4
            ? digits(text, at + 3, 2)
            : lenient && rest === 2
              ? 0
              : -1;
      if (oh < 0 || oh > 23 || om < 0 || om > 59) return NaN;
      offsetMin = (zone === "+" ? 1 : -1) * (oh * 60 + om);
    } else return NaN;
  }

  // A leap second (":60") counts as the first instant of the next minute.
  const days = daysFromEpoch(year, month, day);
  return ((days * 24 + hour) * 60 + minute) * 60000 + second * 1000 + Math.floor(fractionMs) - offsetMin * 60000;
}

/**
 * `YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM|±HHMM]` to UTC ms; no zone means
 * UTC (OCPP 1.6 recommends UTC). NaN when malformed or not a calendar date.
 */
export function parseIsoUtcMs(text: string): number {
  return parse(text, false);
}

/**
 * As `parseIsoUtcMs`, and also takes what CSMSs send in the wild: a space
 * for the `T`, a `±HH` offset, and a day past the month's end (rolled over,
 * as `Date.parse` does on V8: 02-30 is 03-02).
 */
export function parseIsoUtcMsLenient(text: string): number {
  return parse(text, true);
}

/** UTC ms to `YYYY-MM-DDTHH:MM:SSZ`, with `.mmm` only when not whole seconds. */
export function formatIsoUtc(utcMs: number): string {
  const text = new Date(utcMs).toISOString();
  return text.endsWith(".000Z") ? text.slice(0, -5) + "Z" : text;
}
