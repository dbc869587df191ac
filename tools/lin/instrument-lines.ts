// The lines an instrumented lin build (mcconfig -i) prints to stdout: once
// `instruments key: Pixels drawn,Frames drawn,...,Garbage collections,...` naming the columns, then
// every second `instruments: 0,0,...` with one integer per column (the SDK's mcsim,
// build/simulators/modules/screen.c fxScreenSampleInstrumentation, and xs/sources/xsDebug.c
// fxDescribeInstrumentation / fxSampleInstrumentation). After each sample mcsim resets the
// collection counter and the stack peak: "Garbage collections" counts the collections of that
// second, "Stack used" (bytes) is the deepest stack since the previous sample.

/** The column names the tools read. */
export const GARBAGE_COLLECTIONS = "Garbage collections";
export const STACK_USED_BYTES = "Stack used";

const KEY_PREFIX = "instruments key: ";
const SAMPLE_PREFIX = "instruments: ";

/** One sample: each column's value by its name. */
export type InstrumentSample = ReadonlyMap<string, number>;

export type InstrumentLine =
  | { kind: "key"; columns: readonly string[] }
  | { kind: "sample"; sample: InstrumentSample }
  /** An instrument line that cannot be read (a sample before the key, a column count that differs, not integers). */
  | { kind: "bad"; reason: string }
  | { kind: "other" };

/** Reads the instrument lines of one process (the key line comes first, once per process). */
export class InstrumentLineParser {
  #columns: readonly string[] | undefined;

  /** The columns named by the key line, once it was read. */
  get columns(): readonly string[] | undefined {
    return this.#columns;
  }

  parse(line: string): InstrumentLine {
    const text = line.trimEnd();
    if (text.startsWith(KEY_PREFIX)) {
      const columns = text.slice(KEY_PREFIX.length).split(",");
      if (columns.some((name) => name === "")) return { kind: "bad", reason: `an empty column name in ${JSON.stringify(text)}` };
      this.#columns = columns;
      return { kind: "key", columns };
    }
    if (!text.startsWith(SAMPLE_PREFIX)) return { kind: "other" };
    const columns = this.#columns;
    if (!columns) return { kind: "bad", reason: "a sample before the instruments key line" };
    const fields = text.slice(SAMPLE_PREFIX.length).split(",");
    if (fields.length !== columns.length) return { kind: "bad", reason: `${fields.length} values for ${columns.length} columns` };
    const sample = new Map<string, number>();
    for (let i = 0; i < fields.length; i++) {
      if (!/^-?\d+$/.test(fields[i])) return { kind: "bad", reason: `${JSON.stringify(fields[i])} is not an integer (${columns[i]})` };
      sample.set(columns[i], Number(fields[i]));
    }
    return { kind: "sample", sample };
  }
}
