/**
 * XS entry: ECDSA P-256 / SHA-256 (util/p256) on the real XS engine, for
 * correctness there (BigInt, generators) and the computrons of one verification.
 */
import { createXsnapPlatform } from "platform/xsnap/index";
import { ecdsaSignatureToDer, p256PublicKey, p256Sign, p256VerifyDer } from "util/p256";
import { sha256, toHex } from "util/sha256";

const platform = createXsnapPlatform();

function fromHex(text: string): Uint8Array {
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}

platform.expose("sha256", (hexData: unknown) => toHex(sha256(fromHex(String(hexData)))));

platform.expose("publicKey", (hexKey: unknown) => toHex(p256PublicKey(fromHex(String(hexKey)))));

platform.expose("sign", (hexKey: unknown, hexDigest: unknown) =>
  toHex(ecdsaSignatureToDer(p256Sign(fromHex(String(hexKey)), fromHex(String(hexDigest))))),
);

platform.expose("verify", (hexPublicKey: unknown, hexDigest: unknown, hexSignature: unknown) =>
  p256VerifyDer(fromHex(String(hexPublicKey)), fromHex(String(hexDigest)), fromHex(String(hexSignature))),
);
