/**
 * AuthorizationKey recovery (issue 10; OCTT TC_073, reference 1.6): a CSMS
 * that missed the Accepted answer of ChangeConfiguration AuthorizationKey
 * keeps the old password and refuses the new one; without recovery the
 * charger would be locked out for good.
 *
 * Policy: the key in use before the change is kept (NVS, so it survives a
 * power cut) until a connection with the new key was accepted once. While
 * both are kept, `FALLBACK_AFTER_REFUSALS` upgrades in a row refused with
 * HTTP 401 swap them: the charger logs in with the other key, and swaps back
 * after as many refusals with that one, until one is accepted; then the
 * other is forgotten. Other failures (network down, time-outs, 5xx) never
 * count: only the CSMS saying "wrong password" does.
 *
 * Never logs a key.
 */
import type { KeyValueStore } from "ports/kv";
import type { Logger } from "ports/log";
import type { ConfigurationRegistry } from "./configuration";

/** NVS namespace: `other` = the key not in use (string), present only while unconfirmed. */
const NS = "authkey";
const OTHER = "other";
const KEY = "AuthorizationKey";

/** HTTP 401 answers in a row to the upgrade before the other kept key is tried. */
export const FALLBACK_AFTER_REFUSALS = 3;
/** HTTP status of a refused Basic-auth password [J 6.2.2]. */
const HTTP_UNAUTHORIZED = 401;

export class AuthKeyRecovery {
  readonly #kv: KeyValueStore;
  readonly #config: ConfigurationRegistry;
  readonly #log: Logger;
  readonly #fallbackAfter: number;
  /** The kept key not in use; undefined once the key in use logged in. */
  #other: string | undefined;
  #refusals = 0;

  constructor(options: { kv: KeyValueStore; config: ConfigurationRegistry; log: Logger; fallbackAfterRefusals?: number }) {
    this.#kv = options.kv;
    this.#config = options.config;
    this.#log = options.log;
    this.#fallbackAfter = options.fallbackAfterRefusals ?? FALLBACK_AFTER_REFUSALS;
    const stored = options.kv.get(NS, OTHER);
    this.#other = typeof stored === "string" ? stored : undefined;
  }

  /** True while the key in use has not logged in yet and another one is kept. */
  get unconfirmed(): boolean {
    return this.#other !== undefined;
  }

  /**
   * ChangeConfiguration AuthorizationKey was accepted; `previous` is the key
   * in use before it ("" = none: the provisioned password). Called before the
   * new value is stored. A second change before any login keeps the key that
   * last logged in.
   */
  changing(previous: string, next: string): void {
    if (previous === next) return;
    this.#refusals = 0;
    if (this.#other !== undefined && this.#other !== next) return;
    // Changed back to the kept key itself: nothing left to recover.
    if (this.#other === next) {
      this.#forget();
      return;
    }
    this.#other = previous;
    this.#kv.set(NS, OTHER, previous);
  }

  /** The CSMS accepted the upgrade with the key in use. */
  loggedIn(): void {
    this.#refusals = 0;
    if (this.#other === undefined) return;
    this.#log.info("new AuthorizationKey accepted by the CSMS; the previous key is dropped");
    this.#forget();
  }

  /** The CSMS answered the upgrade with `httpStatus` instead of 101. */
  refused(httpStatus: number): void {
    if (httpStatus !== HTTP_UNAUTHORIZED || this.#other === undefined) return;
    this.#refusals++;
    if (this.#refusals < this.#fallbackAfter) return;
    this.#refusals = 0;
    const inUse = this.#config.string(KEY);
    const other = this.#other;
    // Stored first: a power cut between the two writes leaves both keys kept.
    this.#kv.set(NS, OTHER, inUse);
    this.#other = inUse;
    this.#config.setLocal(KEY, other);
    this.#log.warn(`AuthorizationKey refused ${this.#fallbackAfter} times in a row (HTTP 401): trying the other kept key`);
  }

  #forget(): void {
    this.#other = undefined;
    this.#kv.delete(NS, OTHER);
  }
}
