/**
 * The `secure` options of the Moddable SDK's ECMA-419 TLS socket (used by
 * platform/moddable; pure, so it is tested on the host). Its session takes
 * ONE trusted certificate as DER in `certificate` (PEM text or an array is
 * not understood), besides the CA roots built into the firmware's resources;
 * the socket itself fixes TLS 1.2 (`protocolVersion` 0x303).
 */
import { pemToDer } from "util/pem";

export interface TlsSecureOptions {
  serverName: string;
  certificate?: ArrayBuffer;
}

/** SNI name and the first installed CA (CentralSystemRootCertificate) as DER. */
export function tlsSecureOptions(host: string, caCertificates: readonly string[] | undefined): TlsSecureOptions {
  const options: TlsSecureOptions = { serverName: host };
  for (const pem of caCertificates ?? []) {
    const der = pemToDer(pem);
    if (der && der.length > 0) {
      const first = der[0];
      options.certificate = first.buffer.slice(first.byteOffset, first.byteOffset + first.byteLength) as ArrayBuffer;
      break;
    }
  }
  return options;
}
