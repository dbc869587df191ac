/**
 * PEM (RFC 7468) ↔ DER for certificates: the OCPP messages carry PEM text,
 * the store keeps DER (half the size in NVS) and hands PEM to the TLS stack.
 */
import { decodeBase64, encodeBase64 } from "util/base64";

/** A new RegExp per use: a global one's lastIndex is written, and preloading freezes module-level objects on the board. */
const BLOCK = (): RegExp => /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]*?)-----END CERTIFICATE-----/g;

/**
 * The DER bytes of every CERTIFICATE block of `pem`, in order; undefined
 * when there is none, a block is not valid base64, or non-white text stands
 * outside the blocks.
 */
export function pemToDer(pem: string): Uint8Array[] | undefined {
  const blocks: Uint8Array[] = [];
  let rest = "";
  let last = 0;
  const block = BLOCK();
  for (let match = block.exec(pem); match !== null; match = block.exec(pem)) {
    rest += pem.slice(last, match.index);
    last = match.index + match[0].length;
    const der = decodeBase64(match[1]);
    if (der === undefined || der.length === 0) return undefined;
    blocks.push(der);
  }
  rest += pem.slice(last);
  if (blocks.length === 0 || rest.trim() !== "") return undefined;
  return blocks;
}

/** One certificate as PEM with 64-character lines. */
export function derToPem(der: Uint8Array): string {
  return pemBlock("CERTIFICATE", der);
}

/** A PEM block of any label ("CERTIFICATE REQUEST", "EC PRIVATE KEY") with 64-character lines (RFC 7468). */
export function pemBlock(label: string, der: Uint8Array): string {
  const text = encodeBase64(der);
  let out = `-----BEGIN ${label}-----\n`;
  for (let i = 0; i < text.length; i += 64) out += text.slice(i, i + 64) + "\n";
  return out + `-----END ${label}-----\n`;
}
