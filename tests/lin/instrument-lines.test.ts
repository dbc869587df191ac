// The instrument lines of the instrumented lin build (mcsim prints them every second) and what the
// host keeps of them: no SDK needed, the lines are the SDK's format (xsDebug.c, screen.c).
import assert from "node:assert/strict";
import { InstrumentLineParser } from "../../tools/lin/instrument-lines.ts";
import { InstrumentTally } from "../../tools/lin/instrument-tally.ts";

const KEY =
  "instruments key: Pixels drawn,Frames drawn,Network bytes read,Network bytes written,Network sockets,Timers,Files," +
  "Poco display list used,Piu command List used,Chunk used,Chunk available,Slot used,Slot available,Stack used," +
  "Stack available,Garbage collections,Keys used,Modules loaded,Parser used,Floating Point,Promises settled";

/** A sample line with these collections and stack bytes (the other columns plausible values). */
function sampleLine(collections: number, stackBytes: number): string {
  return `instruments: 0,0,312,96,1,7,2,0,0,70344,4194304,141440,8388608,${stackBytes},65536,${collections},812,301,0,0,3`;
}

describe("instrument lines of the instrumented lin build", () => {
  it("reads the key line, then each sample by column name", () => {
    const parser = new InstrumentLineParser();
    const key = parser.parse(KEY);
    assert.equal(key.kind, "key");
    assert.equal(parser.columns?.length, 21);
    assert.equal(parser.columns?.[15], "Garbage collections");
    const line = parser.parse(`${sampleLine(4, 15200)}\r`);
    assert.equal(line.kind, "sample");
    if (line.kind !== "sample") return;
    assert.equal(line.sample.get("Garbage collections"), 4);
    assert.equal(line.sample.get("Stack used"), 15200);
    assert.equal(line.sample.get("Chunk used"), 70344);
    assert.equal(line.sample.get("Promises settled"), 3);
  });

  it("tells other lines apart and refuses samples it cannot read", () => {
    const parser = new InstrumentLineParser();
    assert.deepEqual(parser.parse("info [ocpp] connecting to wss://127.0.0.1:4711/ocpp/LIN-0001"), { kind: "other" });
    assert.equal(parser.parse(sampleLine(1, 100)).kind, "bad", "a sample before the key line");
    parser.parse(KEY);
    const short = parser.parse("instruments: 1,2,3");
    assert.deepEqual(short, { kind: "bad", reason: "3 values for 21 columns" });
    assert.equal(parser.parse(sampleLine(1, 100).replace(",812,", ",8x2,")).kind, "bad");
    assert.equal(parser.parse("instruments key: a,,b").kind, "bad");
  });

  it("a negative value is read as such (an int printed with %d)", () => {
    const parser = new InstrumentLineParser();
    parser.parse("instruments key: A,B");
    const line = parser.parse("instruments: -1,7");
    assert.equal(line.kind, "sample");
    if (line.kind === "sample") assert.equal(line.sample.get("A"), -1);
  });
});

describe("the host's tally of one process's samples", () => {
  it("sums the per-second collections, keeps the deepest stack and closes boot with the sample after booted()", () => {
    const tally = new InstrumentTally();
    assert.equal(tally.take("lin: starting"), false, "not an instrument line: the caller logs it");
    assert.equal(tally.take(KEY), true);
    assert.equal(tally.take(sampleLine(3, 9000)), true);
    assert.equal(tally.take(sampleLine(5, 15200)), true);
    assert.equal(tally.figures.bootCollections, undefined, "not online yet");
    tally.booted();
    assert.equal(tally.figures.bootCollections, undefined, "the second in which it came online is not over");
    tally.take(sampleLine(2, 4000));
    tally.booted(); // a later state line changes nothing
    tally.take(sampleLine(1, 16000));
    tally.take(sampleLine(0, 800));
    assert.deepEqual(tally.figures, { samples: 5, collections: 11, bootCollections: 10, stackPeakBytes: 16000, problem: undefined });
  });

  it("reports an unreadable instrument line instead of counting it", () => {
    const tally = new InstrumentTally();
    assert.equal(tally.take(sampleLine(3, 9000)), true);
    assert.equal(tally.figures.samples, 0);
    assert.equal(tally.figures.collections, 0);
    assert.match(tally.figures.problem ?? "", /before the instruments key/);
  });
});
