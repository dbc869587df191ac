/** The ESP32 app image check on the real XS engine (the board's OTA slot runs it there): valid and corrupt images. */
import { strict as assert } from "node:assert";
import { XsMachine } from "../../tools/xs/runner.ts";
import { esp32ImageOfSize } from "../../tools/sim/esp32-image.ts";

describe("ESP32 app image check on the real XS engine", function () {
  this.timeout(120_000);
  let machine: XsMachine;

  before(async function () {
    machine = await XsMachine.start({ entry: "tests/xs/entry-esp32-image.ts", meteringLimit: 2e9 });
  });
  after(async function () {
    await machine.close();
  });

  async function check(image: Uint8Array, chunkBytes = 4096, checkHash = true): Promise<{ value: string; compute: number }> {
    assert.equal((await machine.call<number>("load", Buffer.from(image).toString("hex"))).value, image.length);
    const answer = await machine.call<string>("verify", chunkBytes, checkHash);
    return { value: answer.value, compute: answer.meter.compute };
  }

  it("accepts a valid image and refuses a flipped byte, a bad hash and a truncated image; computrons per KiB", async function () {
    const image = esp32ImageOfSize(32 * 1024);
    const valid = await check(image);
    assert.equal(valid.value, `ok ${image.length}`);
    assert.equal((await check(image, 333)).value, `ok ${image.length}`);
    const flipped = image.slice();
    flipped[9_000] ^= 0x02;
    assert.match((await check(flipped)).value, /checksum/);
    const badHash = image.slice();
    badHash[image.length - 3] ^= 0x20;
    assert.match((await check(badHash)).value, /SHA-256 does not match/);
    assert.match((await check(image.slice(0, 20_000))).value, /runs past the 20000-byte image/);
    // The board's slot leaves the SHA-256 to esp_ota_end: the rest is still checked, at a fraction of the cost.
    const noHash = await check(image, 4096, false);
    assert.equal(noHash.value, `ok ${image.length}`);
    assert.equal((await check(badHash, 4096, false)).value, `ok ${image.length}`);
    assert.match((await check(flipped, 4096, false)).value, /checksum/);
    assert.ok(noHash.compute > 0 && noHash.compute < valid.compute);
    console.log(
      `      ESP32 image check on XS per KiB: ${Math.round(valid.compute / 32)} computrons with the SHA-256, ${Math.round(noHash.compute / 32)} without`,
    );
  });
});
