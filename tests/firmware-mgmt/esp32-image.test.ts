/**
 * The ESP32 app image check the firmware slots make before an image may boot
 * (OCTT TC_044_3: a corrupt image ends InstallationFailed): valid images
 * built here, fed whole and in pieces, and corrupt variants of them.
 */
import { strict as assert } from "node:assert";
import { Esp32ImageVerifier, verifyEsp32Image, type Esp32ImageVerdict } from "platform/common/esp32-image";
import { SimFirmwareSlot } from "platform/common/sim-firmware-slot";
import { FirmwareUpdateError } from "ports/firmware-update";
import { buildEsp32Image, esp32ImageOfSize } from "../../tools/sim/esp32-image.ts";

function data(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 13 + seed) & 0xff;
  return bytes;
}

/** Fed in pieces; `sizeKnown` false: a download without Content-Length. */
function inPieces(image: Uint8Array, piece: number, sizeKnown = true): Esp32ImageVerdict {
  const verifier = new Esp32ImageVerifier(sizeKnown ? { totalBytes: image.length } : {});
  for (let at = 0; at < image.length; at += piece) verifier.update(image.subarray(at, at + piece));
  return verifier.finish();
}

function refused(verdict: Esp32ImageVerdict, pattern: RegExp): void {
  assert.equal(verdict.ok, false, "the image is refused");
  if (!verdict.ok) assert.match(verdict.reason, pattern);
}

/** Offset of the checksum byte (last byte before the appended hash). */
const checksumAt = (image: Uint8Array): number => image.length - 32 - 1;

describe("ESP32 app image check", () => {
  const image = buildEsp32Image({
    segments: [
      { loadAddress: 0x3f400020, data: data(4000, 1) },
      { loadAddress: 0x3ffb0000, data: data(1236, 2) },
      { loadAddress: 0x40080000, data: data(8, 3) },
    ],
  });

  it("accepts valid images whole and in pieces of 1, 7 and 4096 bytes, with and without the SHA-256", () => {
    const whole = verifyEsp32Image(image);
    assert.deepEqual(whole, { ok: true, imageBytes: image.length, segments: 3, hashAppended: true });
    for (const piece of [1, 7, 4096]) assert.deepEqual(inPieces(image, piece), whole, `pieces of ${piece}`);
    const noHash = buildEsp32Image({ segments: [{ loadAddress: 0x3f400020, data: data(60, 9) }], hashAppended: false });
    assert.equal(noHash.length % 16, 0);
    assert.deepEqual(verifyEsp32Image(noHash), { ok: true, imageBytes: noHash.length, segments: 1, hashAppended: false });
    for (const size of [1, 96, 1000, 20_001, 45_000]) {
      const sized = esp32ImageOfSize(size);
      assert.equal(verifyEsp32Image(sized).ok, true, `esp32ImageOfSize(${size})`);
      assert.ok(sized.length >= size && sized.length < Math.max(size, 96) + 16);
    }
  });

  it("refuses a bad magic byte", () => {
    const bad = image.slice();
    bad[0] = 0xe8;
    refused(verifyEsp32Image(bad), /bad magic 0xe8/);
  });

  it("refuses a truncated image: in its header, in a segment, before the checksum, in the hash", () => {
    refused(verifyEsp32Image(image.subarray(0, 10)), /truncated.*header/);
    refused(inPieces(image.subarray(0, 2000), 512, false), /truncated.*segment/);
    refused(inPieces(image.subarray(0, 2000), 512), /segment 0 of 4000 bytes .* runs past the 2000-byte image/);
    refused(verifyEsp32Image(image.subarray(0, image.length - 34)), /truncated.*checksum/);
    refused(verifyEsp32Image(image.subarray(0, image.length - 1)), /truncated.*SHA-256/);
  });

  it("refuses a flipped byte in segment data (checksum) and in the appended SHA-256", () => {
    const flipped = image.slice();
    flipped[500] ^= 0x10;
    refused(verifyEsp32Image(flipped), /checksum/);
    const badChecksum = image.slice();
    badChecksum[checksumAt(image)] ^= 0x01;
    refused(verifyEsp32Image(badChecksum), /checksum/);
    const badHash = image.slice();
    badHash[image.length - 5] ^= 0x80;
    refused(inPieces(badHash, 333), /SHA-256 does not match/);
    // A flipped header byte the checksum does not cover (the load address): only the hash catches it.
    const header = image.slice();
    header[24] ^= 0x04;
    refused(verifyEsp32Image(header), /SHA-256 does not match/);
  });

  it("checkHash false (the board's slot: esp_ota_end checks the hash) skips only the SHA-256", () => {
    const badHash = image.slice();
    badHash[image.length - 5] ^= 0x80;
    assert.deepEqual(verifyEsp32Image(badHash, { checkHash: false }), {
      ok: true,
      imageBytes: image.length,
      segments: 3,
      hashAppended: true,
    });
    const flipped = image.slice();
    flipped[500] ^= 0x10;
    refused(verifyEsp32Image(flipped, { checkHash: false }), /checksum/);
    refused(verifyEsp32Image(image.subarray(0, image.length - 1), { checkHash: false }), /truncated.*SHA-256/);
  });

  it("refuses bad segment counts and segment headers past the size", () => {
    const none = image.slice();
    none[1] = 0;
    refused(verifyEsp32Image(none), /0 segments/);
    const many = image.slice();
    many[1] = 17;
    refused(verifyEsp32Image(many), /17 segments/);
    const long = image.slice();
    long[24 + 4 + 2] = 0x10; // first segment length + 1 MiB
    refused(verifyEsp32Image(long), /segment 0 .* runs past the \d+-byte image/);
    refused(inPieces(long, 100), /runs past/);
    const unaligned = image.slice();
    unaligned[24 + 4] += 1;
    refused(verifyEsp32Image(unaligned), /not a multiple of 4/);
    refused(new Esp32ImageVerifier({ maxImageBytes: 4096 }).finish(), /truncated/);
    const small = new Esp32ImageVerifier({ maxImageBytes: 4096 });
    small.update(image);
    refused(small.finish(), /runs past the 4096-byte slot/);
  });

  it("refuses another chip's image and bytes past the end", () => {
    const s3 = buildEsp32Image({ segments: [{ loadAddress: 0x3c000020, data: data(64, 4) }], chipId: 9 });
    refused(verifyEsp32Image(s3), /chip id 9/);
    assert.equal(verifyEsp32Image(s3, { chipId: 9 }).ok, true);
    const trailing = new Uint8Array(image.length + 16);
    trailing.set(image);
    refused(verifyEsp32Image(trailing), /past the end/);
  });

  it("the simulated firmware slot sets a valid image to boot and refuses a corrupt one at finish, as a board does", () => {
    const slot = new SimFirmwareSlot();
    slot.begin(image.length);
    for (let at = 0; at < image.length; at += 1000) slot.write(image.subarray(at, at + 1000));
    slot.finish();
    assert.deepEqual(slot.pendingImage, image);

    const corrupt = new SimFirmwareSlot();
    const flipped = image.slice();
    flipped[3000] ^= 0xff;
    corrupt.begin();
    corrupt.write(flipped);
    assert.throws(
      () => corrupt.finish(),
      (error: unknown) => error instanceof FirmwareUpdateError && error.code === "verify" && /checksum/.test(error.message),
    );
    assert.equal(corrupt.pendingImage, undefined, "nothing set to boot");
    assert.equal(corrupt.open, false);
  });
});
