import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FlashRangeError } from "ports/flash";
import { PowerCutError, SimFlash } from "platform/common/sim-flash";
import { FileFlash } from "platform/host/flash-file";

function readBytes(flash: SimFlash, offset: number, length: number): number[] {
  const into = new Uint8Array(length);
  flash.read(offset, into);
  return Array.from(into);
}

describe("simulated NOR flash", function () {
  it("starts erased and can only clear bits until erased", function () {
    const flash = new SimFlash(256, 4);
    assert.deepEqual(readBytes(flash, 0, 2), [0xff, 0xff]);
    flash.write(0, new Uint8Array([0x0f, 0xf0]));
    flash.write(0, new Uint8Array([0xf3, 0xff])); // rewriting cannot set bits back
    assert.deepEqual(readBytes(flash, 0, 2), [0x03, 0xf0]);
    flash.erase(0);
    assert.deepEqual(readBytes(flash, 0, 2), [0xff, 0xff]);
  });

  it("refuses access outside the partition", function () {
    const flash = new SimFlash(256, 4);
    assert.throws(() => flash.write(1020, new Uint8Array(8)), FlashRangeError);
    assert.throws(() => flash.read(-1, new Uint8Array(1)), FlashRangeError);
    assert.throws(() => flash.erase(4), FlashRangeError);
  });

  it("tears a write at the chosen operation and stays dead until power returns", function () {
    const flash = new SimFlash(256, 4);
    flash.cutPowerAtOperation(2, "torn");
    flash.write(0, new Uint8Array([1, 2, 3, 4])); // operation 1: done
    assert.throws(() => flash.write(8, new Uint8Array([5, 6, 7, 8])), PowerCutError);
    assert.throws(() => flash.read(0, new Uint8Array(1)), PowerCutError);
    flash.powerOn();
    assert.deepEqual(readBytes(flash, 0, 4), [1, 2, 3, 4]);
    assert.deepEqual(readBytes(flash, 8, 4), [5, 6, 0xff, 0xff], "first half of the torn write landed");
  });

  it("loses a write or tears an erase when told", function () {
    const flash = new SimFlash(256, 4);
    flash.write(0, new Uint8Array(256));
    flash.cutPowerAtOperation(1, "lost");
    assert.throws(() => flash.write(300, new Uint8Array([0])), PowerCutError);
    flash.powerOn();
    assert.deepEqual(readBytes(flash, 300, 1), [0xff]);
    flash.cutPowerAtOperation(1, "torn");
    assert.throws(() => flash.erase(0), PowerCutError);
    flash.powerOn();
    assert.deepEqual(readBytes(flash, 0, 1), [0xff]);
    assert.deepEqual(readBytes(flash, 255, 1), [0x00], "second half of the torn erase kept its data");
  });

  it("persists to a file like a board's partition", function () {
    const dir = mkdtempSync(join(tmpdir(), "flash-"));
    try {
      const path = join(dir, "journal.bin");
      const first = new FileFlash(path, 4096, 4);
      first.write(5000, new Uint8Array([0xab, 0xcd]));
      first.cutPowerAtOperation(1, "torn");
      assert.throws(() => first.write(6000, new Uint8Array([1, 2, 3, 4])), PowerCutError);
      first.close();
      const second = new FileFlash(path, 4096, 4);
      assert.deepEqual(readBytes(second, 5000, 2), [0xab, 0xcd]);
      assert.deepEqual(readBytes(second, 6000, 4), [1, 2, 0xff, 0xff]);
      second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
