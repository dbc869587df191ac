import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KvError, checkKvWrite, utf8ByteLength } from "ports/kv";
import { MemoryKeyValueStore } from "platform/common/memory-kv";
import { FileKeyValueStore } from "platform/host/kv-file";

function codeOf(action: () => void): string {
  try {
    action();
    return "accepted";
  } catch (error) {
    return error instanceof KvError ? error.code : `unexpected ${String(error)}`;
  }
}

describe("key-value store with the ESP32 NVS rules", function () {
  it("accepts what NVS accepts", function () {
    const store = new MemoryKeyValueStore();
    store.set("ocpp", "HeartbeatIntvl", 300);
    store.set("ocpp", "flag", true);
    store.set("ocpp", "text", "x".repeat(3999));
    store.set("ocpp", "bytes", new Uint8Array(4000).buffer);
    store.set("ocpp", "min", -2147483648);
    assert.equal(store.get("ocpp", "HeartbeatIntvl"), 300);
    assert.equal(store.get("ocpp", "flag"), true);
    assert.equal((store.get("ocpp", "bytes") as ArrayBuffer).byteLength, 4000);
    assert.deepEqual(store.keys("ocpp").sort(), ["HeartbeatIntvl", "bytes", "flag", "min", "text"]);
  });

  it("refuses what the board would refuse, with a reason", function () {
    const store = new MemoryKeyValueStore();
    assert.equal(
      codeOf(() => store.set("ocpp", "HeartbeatInterval", 1)),
      "bad-name",
    ); // 17 characters
    assert.equal(
      codeOf(() => store.set("a namespace", "k", 1)),
      "bad-name",
    );
    assert.equal(
      codeOf(() => store.set("ocpp", "", 1)),
      "bad-name",
    );
    assert.equal(
      codeOf(() => store.set("ocpp", "ratio", 0.5)),
      "not-integer",
    );
    assert.equal(
      codeOf(() => store.set("ocpp", "big", 2 ** 31)),
      "out-of-range",
    );
    assert.equal(
      codeOf(() => store.set("ocpp", "nan", Number.NaN)),
      "not-integer",
    );
    assert.equal(
      codeOf(() => store.set("ocpp", "text", "x".repeat(4000))),
      "too-large",
    ); // NUL makes 4001
    assert.equal(
      codeOf(() => store.set("ocpp", "euro", "€".repeat(1334))),
      "too-large",
    ); // 4002 bytes + NUL
    assert.equal(
      codeOf(() => store.set("ocpp", "bytes", new ArrayBuffer(4001))),
      "too-large",
    );
    assert.equal(
      codeOf(() => checkKvWrite("ocpp", "obj", {} as unknown as string)),
      "bad-type",
    );
    assert.equal(store.get("ocpp", "ratio"), undefined, "a refused value is not stored");
  });

  it("counts UTF-8 bytes like the board", function () {
    assert.equal(utf8ByteLength("abc"), 3);
    assert.equal(utf8ByteLength("é"), 2);
    assert.equal(utf8ByteLength("€"), 3);
    assert.equal(utf8ByteLength("⚡🔌"), 7);
  });

  it("hands out copies of byte values", function () {
    const store = new MemoryKeyValueStore();
    store.set("ns", "blob", new Uint8Array([1, 2, 3]).buffer);
    new Uint8Array(store.get("ns", "blob") as ArrayBuffer)[0] = 9;
    assert.deepEqual(Array.from(new Uint8Array(store.get("ns", "blob") as ArrayBuffer)), [1, 2, 3]);
  });

  describe("the host's file-backed store", function () {
    let dir: string;
    beforeEach(function () {
      dir = mkdtempSync(join(tmpdir(), "kv-"));
    });
    afterEach(function () {
      rmSync(dir, { recursive: true, force: true });
    });

    it("keeps values across a restart, bytes included", function () {
      const path = join(dir, "nvs.json");
      const first = new FileKeyValueStore(path);
      first.set("ocpp", "AuthKey", "s3cret");
      first.set("ocpp", "Interval", 60);
      first.set("cal", "blob", new Uint8Array([0, 255, 7]).buffer);
      first.delete("ocpp", "Interval");
      const second = new FileKeyValueStore(path);
      assert.equal(second.get("ocpp", "AuthKey"), "s3cret");
      assert.equal(second.get("ocpp", "Interval"), undefined);
      assert.deepEqual(Array.from(new Uint8Array(second.get("cal", "blob") as ArrayBuffer)), [0, 255, 7]);
      assert.ok(readFileSync(path, "utf8").includes("s3cret"));
    });

    it("enforces the same rules as the board", function () {
      const store = new FileKeyValueStore(join(dir, "nvs.json"));
      assert.equal(
        codeOf(() => store.set("ocpp", "MeterValueSampleInterval", 10)),
        "bad-name",
      );
      assert.equal(
        codeOf(() => store.set("ocpp", "volts", 230.5)),
        "not-integer",
      );
    });
  });
});
