import { strict as assert } from "node:assert";
import { LocalListStore } from "ocpp/localauth/local-list-store";
import { PowerCutError, SimFlash } from "platform/common/sim-flash";
import { manyEntries } from "./helpers.ts";

describe("LocalListStore on NOR flash", function () {
  it("stores a Full list and finds every entry by binary search, case-insensitively", function () {
    const flash = new SimFlash(4096, 16);
    const store = new LocalListStore(flash);
    const entries = [
      { idTag: "charlie", idTagInfo: { status: "Blocked" as const } },
      { idTag: "ALPHA", idTagInfo: { status: "Accepted" as const, parentIdTag: "Fleet-1", expiryDate: "2030-06-01T10:00:00.000+02:00" } },
      { idTag: "bravo", idTagInfo: { status: "Expired" as const } },
    ];
    assert.equal(store.replaceAll(3, entries), "ok");
    assert.equal(store.count, 3);
    assert.equal(store.version, 3);
    assert.deepEqual(store.lookup("alpha"), { status: "Accepted", parentIdTag: "Fleet-1", expiryDate: "2030-06-01T08:00:00Z" });
    assert.deepEqual(store.lookup("Charlie"), { status: "Blocked" });
    assert.deepEqual(store.lookup("BRAVO"), { status: "Expired" });
    assert.equal(store.lookup("delta"), undefined);
    assert.equal(store.lookup("alph"), undefined);
    assert.equal(store.lookup("x".repeat(21)), undefined);
    assert.deepEqual(
      [0, 1, 2].map((i) => store.entryAt(i)?.idTag),
      ["ALPHA", "BRAVO", "CHARLIE"],
    );
  });

  it("holds 1,200 entries in the default 16 x 4 KiB partition and finds each of them", function () {
    const flash = new SimFlash(4096, 16);
    const store = new LocalListStore(flash, { maxEntries: 1200 });
    const entries = manyEntries(1200);
    assert.equal(store.replaceAll(7, entries), "ok");
    assert.ok(store.bytesUsed <= store.bankSize);
    for (const entry of entries) {
      const found = store.lookup(entry.idTag.toLowerCase());
      assert.deepEqual(found, { ...entry.idTagInfo, ...(entry.idTagInfo?.expiryDate ? { expiryDate: "2030-01-01T00:00:00Z" } : {}) });
    }
    assert.equal(store.lookup("TAG01200"), undefined);
    // A reboot reads the same list back from flash.
    const again = new LocalListStore(flash, { maxEntries: 1200 });
    assert.equal(again.count, 1200);
    assert.equal(again.version, 7);
    assert.deepEqual(again.lookup("TAG00999"), { status: "Accepted" });
  });

  it("merges Differential updates: add, replace, delete, in sorted order", function () {
    const store = new LocalListStore(new SimFlash(4096, 16));
    assert.equal(store.replaceAll(1, manyEntries(100)), "ok");
    const result = store.applyDifferential(2, [
      { idTag: "TAG00050" },
      { idTag: "TAG00051", idTagInfo: { status: "Blocked" } },
      { idTag: "AAA", idTagInfo: { status: "Accepted" } },
      { idTag: "ZZZ", idTagInfo: { status: "Invalid" } },
      { idTag: "NOT-THERE" },
    ]);
    assert.equal(result, "ok");
    assert.equal(store.count, 101);
    assert.equal(store.version, 2);
    assert.equal(store.lookup("TAG00050"), undefined);
    assert.deepEqual(store.lookup("TAG00051"), { status: "Blocked" });
    assert.deepEqual(store.lookup("aaa"), { status: "Accepted" });
    assert.deepEqual(store.lookup("zzz"), { status: "Invalid" });
    assert.deepEqual(store.lookup("TAG00099"), { status: "Accepted" });
    for (let i = 1; i < store.count; i++) {
      assert.ok(store.entryAt(i - 1)!.idTag < store.entryAt(i)!.idTag, `sorted at ${i}`);
    }
  });

  it("refuses bad entries, duplicates, too many entries and lists that do not fit", function () {
    const store = new LocalListStore(new SimFlash(4096, 2), { maxEntries: 500 });
    assert.equal(store.replaceAll(1, [{ idTag: "A", idTagInfo: { status: "Accepted" } }]), "ok");
    assert.equal(store.replaceAll(2, [{ idTag: "B" }]), "bad-entry", "Full needs idTagInfo");
    assert.equal(store.replaceAll(2, [{ idTag: "X".repeat(21), idTagInfo: { status: "Accepted" } }]), "bad-entry");
    assert.equal(store.replaceAll(2, [{ idTag: "B", idTagInfo: { status: "Accepted", expiryDate: "soon" } }]), "bad-entry");
    assert.equal(
      store.replaceAll(2, [
        { idTag: "b", idTagInfo: { status: "Accepted" } },
        { idTag: "B", idTagInfo: { status: "Blocked" } },
      ]),
      "duplicate",
    );
    assert.equal(store.replaceAll(2, manyEntries(501)), "too-many");
    // 1 sector per bank = 4 KiB: 500 entries of ~16 bytes do not fit.
    assert.equal(store.replaceAll(2, manyEntries(500)), "no-space");
    // Every refusal left the first list in force.
    assert.equal(store.version, 1);
    assert.deepEqual(store.lookup("a"), { status: "Accepted" });
  });

  it("keeps the old list through a power cut at every step of a Full update", function () {
    const reference = new SimFlash(4096, 16);
    const setup = new LocalListStore(reference);
    assert.equal(setup.replaceAll(1, manyEntries(300)), "ok");
    const start = reference.snapshot();
    // Count the flash operations of a complete update, then cut power at each of them.
    const probe = new SimFlash(4096, 16, start);
    const before = probe.operationCount;
    assert.equal(new LocalListStore(probe).replaceAll(2, manyEntries(400, 1000)), "ok");
    const operations = probe.operationCount - before;
    assert.ok(operations > 10);
    for (let cut = 1; cut <= operations; cut++) {
      for (const mode of ["torn", "lost"] as const) {
        const flash = new SimFlash(4096, 16, start);
        const store = new LocalListStore(flash);
        flash.cutPowerAtOperation(cut, mode);
        assert.throws(() => store.replaceAll(2, manyEntries(400, 1000)), PowerCutError);
        flash.powerOn();
        const rebooted = new LocalListStore(flash);
        if (cut < operations) {
          assert.equal(rebooted.version, 1, `cut ${cut} ${mode}: old list`);
          assert.equal(rebooted.count, 300);
          assert.deepEqual(rebooted.lookup("TAG00123"), { status: "Accepted" });
        } else {
          // The cut hit the header write itself: torn or lost, the old list stays.
          assert.equal(rebooted.version, 1, `header ${mode}`);
        }
        // And the next update works after the reboot.
        assert.equal(rebooted.replaceAll(3, manyEntries(10, 5000)), "ok");
        assert.equal(new LocalListStore(flash).version, 3);
      }
    }
  });

  it("ignores a bank whose data was damaged after commit (CRC)", function () {
    const flash = new SimFlash(4096, 16);
    const store = new LocalListStore(flash);
    assert.equal(store.replaceAll(1, manyEntries(50)), "ok");
    assert.equal(store.replaceAll(2, manyEntries(60)), "ok");
    const bank = store.activeBank;
    // Clear one set bit in the middle of the active image: its CRC no longer matches.
    const cell = new Uint8Array(1);
    let at = bank * store.bankSize + 500;
    for (let i = 0; i < 64; i++, at++) {
      flash.read(at, cell);
      if (cell[0] !== 0) break;
    }
    assert.notEqual(cell[0], 0);
    flash.write(at, new Uint8Array([cell[0] & (cell[0] - 1)]));
    const rebooted = new LocalListStore(flash);
    assert.notEqual(rebooted.activeBank, bank);
    assert.equal(rebooted.version, 1);
    assert.equal(rebooted.count, 50);
  });
});
