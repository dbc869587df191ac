/**
 * OcppFrameLog: every OCPP frame in and out, stamped and kept in a flash
 * ring for the bench API and GetDiagnostics (docs/storage.md).
 *
 * Line format: `<UTC ISO-8601>[?] <in|out> <Action> <frame>`; a `?` after
 * the time marks a wall clock not yet synced (time since boot, really).
 * MeterValues and Heartbeat frames are left out unless verbose logging is
 * on. Secrets never reach the ring (./redact).
 *
 * Verbose until a deadline that survives reboots, in the key-value store
 * (NVS: integers, names <= 15 chars):
 * - `vUntil`: deadline in UTC seconds since 2020-01-01 (an int32 lasts to
 *   2088), written only while the wall clock is synced;
 * - `vLeft`: seconds left, rewritten at most every 10 minutes of logging.
 * After a reboot the absolute deadline rules once the clock is synced;
 * before that, the seconds left count from boot (so downtime does not
 * count and verbose may last longer by up to the time the board was off).
 */
import type { Clock } from "ports/clock";
import type { KeyValueStore } from "ports/kv";
import type { FlashRing } from "storage/flash-ring";
import { redactFrame } from "./redact";

export type FrameDirection = "in" | "out";

export interface OcppFrameLogOptions {
  /** Key-value namespace of the verbose deadline (default "ocpplog"). */
  namespace?: string;
}

const EPOCH_2020_MS = Date.UTC(2020, 0, 1);
const KEY_UNTIL = "vUntil";
const KEY_LEFT = "vLeft";
const SAVE_EVERY_MS = 10 * 60 * 1000;
const MAX_SECONDS = 0x7fffffff;
/**
 * Longest frame text kept whole; longer frames are cut with a marker. A
 * 30 KB frame took 0.4 s of XS time to encode and compress on a PC (the
 * board is far slower), and a record that long would not fit a sector anyway.
 */
export const MAX_LOGGED_FRAME_CHARS = 4096;

export class OcppFrameLog {
  readonly #ring: FlashRing;
  readonly #clock: Clock;
  readonly #kv: KeyValueStore;
  readonly #namespace: string;
  #on = false;
  #untilMonoMs = 0;
  #untilUtcMs = Number.NaN;
  #savedAtMonoMs = 0;
  #failures = 0;

  constructor(ring: FlashRing, clock: Clock, kv: KeyValueStore, options: OcppFrameLogOptions = {}) {
    this.#ring = ring;
    this.#clock = clock;
    this.#kv = kv;
    this.#namespace = options.namespace ?? "ocpplog";
    const left = kv.get(this.#namespace, KEY_LEFT);
    const until = kv.get(this.#namespace, KEY_UNTIL);
    if (typeof left === "number" && left > 0) {
      this.#on = true;
      this.#untilMonoMs = clock.monotonicMs() + left * 1000;
      this.#savedAtMonoMs = clock.monotonicMs();
      if (typeof until === "number") this.#untilUtcMs = EPOCH_2020_MS + until * 1000;
    }
  }

  /** True while verbose logging is on (switches itself off at the deadline). */
  get verbose(): boolean {
    return this.#refresh();
  }

  /** Seconds of verbose logging left (0 when off). */
  get verboseSecondsLeft(): number {
    return this.#refresh() ? Math.ceil((this.#untilMonoMs - this.#clock.monotonicMs()) / 1000) : 0;
  }

  /** Frames that could not be written (flash errors); logging never throws. */
  get failures(): number {
    return this.#failures;
  }

  /** Logs MeterValues and Heartbeat too for `hours` (0 or less: off now). */
  setVerboseFor(hours = 24): void {
    const seconds = Math.min(MAX_SECONDS, Math.round(hours * 3600));
    if (!(seconds > 0)) {
      this.#switchOff();
      return;
    }
    const nowMono = this.#clock.monotonicMs();
    this.#on = true;
    this.#untilMonoMs = nowMono + seconds * 1000;
    this.#untilUtcMs = this.#clock.isSynced() ? this.#clock.utcMs() + seconds * 1000 : Number.NaN;
    this.#kv.set(this.#namespace, KEY_LEFT, seconds);
    if (Number.isNaN(this.#untilUtcMs)) this.#kv.delete(this.#namespace, KEY_UNTIL);
    else this.#saveUntil();
    this.#savedAtMonoMs = nowMono;
  }

  /** Logs one frame (after taking its secrets out). */
  record(direction: FrameDirection, action: string, frame: string): void {
    if ((action === "MeterValues" || action === "Heartbeat") && !this.#refresh()) return;
    const synced = this.#clock.isSynced();
    const stamp = new Date(this.#clock.utcMs()).toISOString();
    let text = redactFrame(frame);
    if (text.length > MAX_LOGGED_FRAME_CHARS)
      text = `${text.slice(0, MAX_LOGGED_FRAME_CHARS)}...[${text.length - MAX_LOGGED_FRAME_CHARS} more chars]`;
    try {
      this.#ring.append(`${stamp}${synced ? "" : "?"} ${direction} ${action} ${text}`);
    } catch {
      this.#failures++;
    }
  }

  /** Visits the logged lines oldest first. */
  forEach(visitor: (seq: number, line: string) => void): void {
    this.#ring.forEach(visitor);
  }

  /** All logged lines, oldest first, one per line (the diagnostics file). */
  exportText(): string {
    const lines: string[] = [];
    this.#ring.forEach((_seq, line) => {
      lines.push(line);
    });
    return lines.length ? lines.join("\n") + "\n" : "";
  }

  /** Drops every logged line. */
  clear(): void {
    this.#ring.clear();
  }

  #refresh(): boolean {
    if (!this.#on) return false;
    const clock = this.#clock;
    const nowMono = clock.monotonicMs();
    if (clock.isSynced()) {
      const nowUtc = clock.utcMs();
      if (Number.isNaN(this.#untilUtcMs)) {
        // First sync since the deadline was set or since boot: make it absolute.
        this.#untilUtcMs = nowUtc + (this.#untilMonoMs - nowMono);
        this.#saveUntil();
      } else this.#untilMonoMs = nowMono + (this.#untilUtcMs - nowUtc);
    }
    if (nowMono >= this.#untilMonoMs) {
      this.#switchOff();
      return false;
    }
    if (nowMono - this.#savedAtMonoMs >= SAVE_EVERY_MS) {
      this.#savedAtMonoMs = nowMono;
      this.#kv.set(this.#namespace, KEY_LEFT, Math.max(1, Math.ceil((this.#untilMonoMs - nowMono) / 1000)));
    }
    return true;
  }

  #saveUntil(): void {
    const seconds = Math.ceil((this.#untilUtcMs - EPOCH_2020_MS) / 1000);
    if (seconds > 0 && seconds <= MAX_SECONDS) this.#kv.set(this.#namespace, KEY_UNTIL, seconds);
  }

  #switchOff(): void {
    this.#on = false;
    this.#untilUtcMs = Number.NaN;
    this.#kv.delete(this.#namespace, KEY_LEFT);
    this.#kv.delete(this.#namespace, KEY_UNTIL);
  }
}
