/**
 * The `secure` options of the Moddable SDK's ECMA-419 TLS socket (used by
 * platform/moddable; pure, so it is tested on the host). Its session takes
 * ONE trusted certificate as DER in `certificate` (PEM text or an array is
 * not understood), besides the CA roots built into the firmware's resources;
 * the socket itself fixes TLS 1.2 (`protocolVersion` 0x303).
 */
import { pemToDer } from "util/pem";
import { decodeBase64 } from "util/base64";

export interface TlsSecureOptions {
  serverName: string;
  certificate?: ArrayBuffer;
  /** Security profile 3: the client certificate chain as DER, leaf first. */
  clientCertificates?: ArrayBuffer[];
  /** Its private key as DER (the "EC PRIVATE KEY" body). */
  clientKey?: ArrayBuffer;
}

/** A copy of the bytes in their own ArrayBuffer (what the SDK's TLS session expects). */
function bufferOf(der: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(der.length);
  copy.set(der);
  return copy.buffer;
}

/** The DER body of the first PEM block with `label`, or undefined. */
function pemBody(pem: string, label: string): Uint8Array | undefined {
  const begin = `-----BEGIN ${label}-----`;
  const start = pem.indexOf(begin);
  const end = pem.indexOf(`-----END ${label}-----`);
  if (start < 0 || end < start) return undefined;
  return decodeBase64(pem.slice(start + begin.length, end));
}

/**
 * SNI name, the first installed CA (CentralSystemRootCertificate) as DER,
 * and in profile 3 the client chain and key as DER (`clientCertificates`, `clientKey`).
 */
export function tlsSecureOptions(
  host: string,
  caCertificates: readonly string[] | undefined,
  client?: { certificates?: readonly string[]; key?: string },
): TlsSecureOptions {
  const options: TlsSecureOptions = { serverName: host };
  if (client?.certificates && client.key) {
    const chain: ArrayBuffer[] = [];
    for (const pem of client.certificates) for (const der of pemToDer(pem) ?? []) chain.push(bufferOf(der));
    const key = pemBody(client.key, "EC PRIVATE KEY");
    if (chain.length > 0 && key) {
      options.clientCertificates = chain;
      options.clientKey = bufferOf(key);
    }
  }
  for (const pem of caCertificates ?? []) {
    const der = pemToDer(pem);
    if (der && der.length > 0) {
      options.certificate = bufferOf(der[0]);
      break;
    }
  }
  return options;
}
