/**
 * XS entry: the ESP32 app image check (platform/common/esp32-image) on the
 * real XS engine, as the board's OTA slot runs it: fed in chunks.
 */
import { createXsnapPlatform } from "platform/xsnap/index";
import { Esp32ImageVerifier } from "platform/common/esp32-image";

const platform = createXsnapPlatform();

function fromHex(text: string): Uint8Array {
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}

let image: Uint8Array = new Uint8Array(0);

/** Loads the image to check (kept apart from the check so the meter counts the check alone). */
platform.expose("load", (hexImage: unknown) => {
  image = fromHex(String(hexImage));
  return image.length;
});

/** Checks the loaded image fed in chunks of `chunkBytes`: "ok <bytes>" or the reason. */
platform.expose("verify", (chunkBytes: unknown, checkHash: unknown) => {
  const verifier = new Esp32ImageVerifier({ totalBytes: image.length, checkHash: checkHash !== false });
  const step = Number(chunkBytes);
  for (let at = 0; at < image.length; at += step) verifier.update(image.subarray(at, at + step));
  const verdict = verifier.finish();
  return verdict.ok ? `ok ${verdict.imageBytes}` : verdict.reason;
});
