/**
 * Connection settings as charger makers configure them [our reference §5]:
 * an installation URL template with `{deviceId}`, a charger-level URL, one
 * precedence rule (default: the installation template wins when set), the
 * identity = the URL's last path segment, the Basic-auth user = identity (or
 * the device id in legacy mode), the password = AuthorizationKey once the
 * CSMS set it, else the charger's own or the installation's initial one.
 */
import { encodeUtf8 } from "util/utf8";
import { encodeBase64 } from "util/base64";

export type UrlPrecedence = "installation" | "charger";

export interface ConnectionSettings {
  /** The charger's serial number / device id. */
  deviceId: string;
  /** e.g. "ws://host/devices/{deviceId}"; "" when unset. */
  installationUrlTemplate: string;
  /** Full endpoint URL set for this charger; "" when unset. */
  chargerUrl: string;
  precedence: UrlPrecedence;
  /** Basic-auth user = device id even when the URL names another identity. */
  legacyIdentity: boolean;
  /** Factory password of this charger ("" when none). */
  chargerPassword: string;
  /** Installation-wide initial password ("" when none); used when no charger password. */
  installationInitialPassword: string;
  /** PEM CA certificates (from flash) trusted for wss://. */
  caCertificates: string[];
  /**
   * The SecurityProfile key [SEC A05] when the Security white paper is built
   * in: from 2 on a ws:// URL is taken over TLS (wss://, same host and port);
   * 3 sends no Basic credentials (TC_086). Undefined: the URL decides.
   */
  securityProfile?: number;
  /** The charge point's certificate chain (PEM, leaf first) and key (PEM), sent as TLS client credentials in profile 3. */
  clientCertificates?: string[];
  clientKey?: string;
}

export interface ResolvedConnection {
  url: string;
  identity: string;
  /** 0 none, 1 Basic over ws://, 2 Basic over wss:// (server certificate checked). */
  securityProfile: 0 | 1 | 2 | 3;
  headers: Record<string, string>;
  caCertificates: string[];
  /** TLS client certificate chain and key (profile 3 only). */
  clientCertificates?: string[];
  clientKey?: string;
}

export class ConnectionSettingsError extends Error {
  override name = "ConnectionSettingsError"; // a field: XS preload freezes Error.prototype, so assigning name throws
  constructor(message: string) {
    super(message);
  }
}

/** Hex text to bytes; undefined unless an even count of hex digits. */
export function decodeHex(text: string): Uint8Array | undefined {
  if (text.length % 2 !== 0 || !/^[0-9A-Fa-f]*$/.test(text)) return undefined;
  const bytes = new Uint8Array(text.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(text.substr(i * 2, 2), 16);
  return bytes;
}

/** AuthorizationKey check [SEC A00.FR.205]: hex of 16..20 bytes, or 16..40 printable chars in raw mode. */
export function isValidAuthorizationKey(text: string, raw: boolean): boolean {
  if (raw) return text.length >= 16 && text.length <= 40 && /^[\x21-\x7e]+$/.test(text);
  const bytes = decodeHex(text);
  return bytes !== undefined && bytes.length >= 16 && bytes.length <= 20;
}

/** The endpoint URL per the precedence rule, with {deviceId} substituted. */
export function endpointUrl(settings: ConnectionSettings): string {
  const template = settings.installationUrlTemplate;
  const charger = settings.chargerUrl;
  const useTemplate = template !== "" && (settings.precedence === "installation" || charger === "");
  const raw = useTemplate ? template : charger;
  if (raw === "") throw new ConnectionSettingsError("no CSMS URL configured");
  const url = raw.split("{deviceId}").join(encodeURIComponent(settings.deviceId));
  if (!/^wss?:\/\/[^/]+\/.+/.test(url)) throw new ConnectionSettingsError(`CSMS URL must be ws:// or wss:// with an identity path: ${url}`);
  return url;
}

/** The last path segment of the URL, percent-decoded. */
export function identityOfUrl(url: string): string {
  const path = url.replace(/[?#].*$/, "").replace(/\/+$/, "");
  const segment = path.slice(path.lastIndexOf("/") + 1);
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Builds URL, identity and handshake headers.
 * @param authorizationKey the AuthorizationKey set by the CSMS ("" when never set)
 * @param rawKey UseAuthorizationKeyWithoutDecoding
 */
export function resolveConnection(settings: ConnectionSettings, authorizationKey: string, rawKey: boolean): ResolvedConnection {
  const profile = settings.securityProfile ?? 0;
  const endpoint = endpointUrl(settings);
  const url = profile >= 2 && endpoint.startsWith("ws://") ? `wss://${endpoint.slice(5)}` : endpoint;
  const identity = identityOfUrl(url);
  const secure = url.startsWith("wss://");
  const headers: Record<string, string> = {};
  let password: Uint8Array | undefined;
  if (authorizationKey !== "") {
    password = rawKey ? encodeUtf8(authorizationKey) : decodeHex(authorizationKey);
  } else if (settings.chargerPassword !== "") password = encodeUtf8(settings.chargerPassword);
  else if (settings.installationInitialPassword !== "") password = encodeUtf8(settings.installationInitialPassword);
  if (password && profile !== 3) {
    const user = encodeUtf8(`${settings.legacyIdentity ? settings.deviceId : identity}:`);
    const credentials = new Uint8Array(user.length + password.length);
    credentials.set(user, 0);
    credentials.set(password, user.length);
    headers.Authorization = `Basic ${encodeBase64(credentials)}`;
  }
  const resolved: ResolvedConnection = {
    url,
    identity,
    securityProfile: secure ? 2 : password ? 1 : 0,
    headers,
    caCertificates: secure ? settings.caCertificates : [],
  };
  if (secure && profile === 3 && settings.clientCertificates && settings.clientKey) {
    resolved.securityProfile = 3;
    resolved.clientCertificates = settings.clientCertificates;
    resolved.clientKey = settings.clientKey;
  }
  return resolved;
}
