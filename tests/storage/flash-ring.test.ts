import { strict as assert } from "node:assert";
import { FlashRing } from "storage/flash-ring";
import { PowerCutError, SimFlash, type PowerCutMode } from "platform/common/sim-flash";

function entries(ring: FlashRing): Array<[number, string]> {
  const all: Array<[number, string]> = [];
  ring.forEach((seq, entry) => all.push([seq, entry]));
  return all;
}

function line(i: number): string {
  return `2025-05-01T12:00:${String(i % 60).padStart(2, "0")}Z out StatusNotification [2,"m${i}","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"${i % 2 ? "Charging" : "Available"}"}]`;
}

/** True when `tail` is a suffix of `all`. */
function isSuffix(tail: string[], all: string[]): boolean {
  if (tail.length > all.length) return false;
  const start = all.length - tail.length;
  return tail.every((entry, i) => entry === all[start + i]);
}

describe("FlashRing", function () {
  it("appends entries and reads them back oldest first after a reboot", function () {
    const flash = new SimFlash(4096, 4);
    const ring = new FlashRing(flash);
    assert.equal(ring.usedBytes, 0);
    ring.append("one");
    ring.append("two ⚡");
    ring.append("");
    assert.ok(ring.usedBytes > 0);
    const reopened = new FlashRing(flash);
    assert.deepEqual(entries(reopened), [
      [1, "one"],
      [2, "two ⚡"],
      [3, ""],
    ]);
    reopened.append("four");
    assert.deepEqual(
      entries(new FlashRing(flash)).map(([seq]) => seq),
      [1, 2, 3, 4],
    );
  });

  it("drops the oldest sector when full and keeps the newest entries", function () {
    const flash = new SimFlash(512, 4);
    const ring = new FlashRing(flash, { compress: false });
    const all: string[] = [];
    for (let i = 0; i < 200; i++) {
      all.push(line(i));
      ring.append(line(i));
    }
    const kept = entries(new FlashRing(flash, { compress: false }));
    assert.ok(kept.length > 3 && kept.length < 20, `kept ${kept.length}`);
    assert.ok(
      isSuffix(
        kept.map(([, e]) => e),
        all,
      ),
      "a contiguous run ending with the newest entry",
    );
    assert.deepEqual(
      kept.map(([seq]) => seq),
      kept.map((_, i) => 201 - kept.length + i),
    );
    assert.ok(ring.usedBytes <= ring.capacityBytes);
  });

  it("clears with a single sector erase and keeps numbering", function () {
    const flash = new SimFlash(512, 4);
    let ring = new FlashRing(flash);
    for (let i = 0; i < 30; i++) ring.append(line(i));
    const before = flash.operationCount;
    ring.clear();
    assert.ok(flash.operationCount - before <= 3, "at most a retire write, one erase and one header write");
    assert.deepEqual(entries(ring), []);
    assert.equal(ring.usedBytes, 0);
    ring = new FlashRing(flash);
    assert.deepEqual(entries(ring), [], "cleared after a reboot too");
    ring.append("after clear");
    for (let i = 0; i < 3; i++) ring = new FlashRing(flash);
    assert.deepEqual(entries(ring), [[31, "after clear"]]);
    // Wrapping over the sectors hidden by the clear never brings them back.
    for (let i = 0; i < 40; i++) ring.append(line(100 + i));
    const seqs = entries(new FlashRing(flash)).map(([seq]) => seq);
    assert.ok(
      seqs.every((seq, i) => seq > 31 && (i === 0 || seq === seqs[i - 1] + 1)),
      seqs.join(","),
    );
  });

  it("cuts an entry longer than a sector and marks it", function () {
    const ring = new FlashRing(new SimFlash(512, 4), { compress: false });
    ring.append("x".repeat(2000));
    const [[, entry]] = entries(ring);
    assert.ok(entry.endsWith("…[truncated]") && entry.length < 500 && entry.startsWith("xxx"), entry.length.toString());
  });

  it("survives a power cut at any write or erase: a torn entry is skipped, the ring goes on", function () {
    const steps: string[] = [];
    for (let i = 0; i < 40; i++) steps.push(i === 25 ? "CLEAR" : line(i));
    const run = (flash: SimFlash): { acked: string[]; pending?: string } => {
      let acked: string[] = [];
      let pending: string | undefined;
      try {
        const ring = new FlashRing(flash);
        for (const step of steps) {
          pending = step;
          if (step === "CLEAR") {
            ring.clear();
            acked = [];
          } else {
            ring.append(step);
            acked.push(step);
          }
          pending = undefined;
        }
      } catch (error) {
        if (!(error instanceof PowerCutError)) throw error;
      }
      return { acked, pending };
    };
    const reference = new SimFlash(256, 4);
    run(reference);
    const total = reference.operationCount;
    assert.ok(total > 50, `${total} operations`);
    for (const mode of ["torn", "lost"] as PowerCutMode[]) {
      for (let n = 1; n <= total; n++) {
        const where = `${mode} cut at ${n}`;
        const flash = new SimFlash(256, 4);
        flash.cutPowerAtOperation(n, mode);
        const { acked, pending } = run(flash);
        flash.powerOn();
        const ring = new FlashRing(flash);
        const found = entries(ring);
        const texts = found.map(([, e]) => e);
        const okAcked = isSuffix(texts, acked);
        const okPending = pending !== undefined && pending !== "CLEAR" && isSuffix(texts, [...acked, pending]);
        const okCleared = pending === "CLEAR" && texts.length === 0;
        assert.ok(okAcked || okPending || okCleared, `${where}: ${texts.length} entries are the newest acknowledged ones`);
        assert.ok(acked.length === 0 || texts.length > 0 || pending === "CLEAR", `${where}: the ring still holds entries`);
        ring.append("after");
        const again = entries(new FlashRing(flash));
        assert.equal(again[again.length - 1][1], "after", where);
        assert.ok(
          again.every(([seq], i) => i === 0 || seq > again[i - 1][0]),
          `${where}: seqs increase`,
        );
      }
    }
  });
});
