// What the host keeps of one firmware process's instrument samples (instrument-lines.ts): the
// collections since the process started (the sum of the per-second counts), the collections
// during boot, and the deepest stack seen. Boot ends when the host saw the firmware online with
// every connector Available (`booted()`); the per-second counts do not split a second, so the boot
// figure includes the rest of the second in which that happened (the first sample after it).
import { GARBAGE_COLLECTIONS, InstrumentLineParser, STACK_USED_BYTES } from "./instrument-lines.ts";

export interface InstrumentFigures {
  /** Samples read (one a second). */
  readonly samples: number;
  /** Collections since the process started, up to the last sample. */
  readonly collections: number;
  /** Collections until online with every connector Available; undefined until then (and its closing sample). */
  readonly bootCollections: number | undefined;
  /** The largest "Stack used" of any sample, bytes of this host's slots; 0 before the first sample. */
  readonly stackPeakBytes: number;
  /** Why the last unreadable instrument line was not read, if any was. */
  readonly problem: string | undefined;
}

export class InstrumentTally {
  readonly #parser = new InstrumentLineParser();
  #samples = 0;
  #collections = 0;
  #bootCollections: number | undefined;
  #bootEnding = false;
  #stackPeakBytes = 0;
  #problem: string | undefined;

  /** Takes one line of the firmware's stdout; true when it was an instrument line (the caller need not log it). */
  take(line: string): boolean {
    const parsed = this.#parser.parse(line);
    switch (parsed.kind) {
      case "other":
        return false;
      case "key":
        return true;
      case "bad":
        this.#problem = parsed.reason;
        return true;
      case "sample": {
        this.#samples++;
        this.#collections += parsed.sample.get(GARBAGE_COLLECTIONS) ?? 0;
        this.#stackPeakBytes = Math.max(this.#stackPeakBytes, parsed.sample.get(STACK_USED_BYTES) ?? 0);
        if (this.#bootEnding) {
          this.#bootEnding = false;
          this.#bootCollections = this.#collections;
        }
        return true;
      }
    }
  }

  /** The firmware is online with every connector Available: boot ends with the next sample (once per process). */
  booted(): void {
    if (this.#bootCollections === undefined) this.#bootEnding = true;
  }

  get figures(): InstrumentFigures {
    return {
      samples: this.#samples,
      collections: this.#collections,
      bootCollections: this.#bootCollections,
      stackPeakBytes: this.#stackPeakBytes,
      problem: this.#problem,
    };
  }
}
