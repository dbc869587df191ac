/** Splits a ws:// or wss:// URL into the parts a socket needs (no URL class on XS). */
export interface WebSocketUrl {
  secure: boolean;
  host: string;
  port: number;
  /** Path with query, starting with "/". */
  path: string;
}

export function parseWebSocketUrl(url: string): WebSocketUrl {
  const match = /^(wss?):\/\/(\[[^\]]+\]|[^/:?#]+)(?::(\d{1,5}))?([/?][^#]*)?$/i.exec(url);
  if (!match) throw new Error(`not a ws:// or wss:// URL: ${url}`);
  const secure = match[1].toLowerCase() === "wss";
  const port = match[3] ? Number(match[3]) : secure ? 443 : 80;
  if (port < 1 || port > 65535) throw new Error(`bad port in ${url}`);
  let path = match[4] ?? "/";
  if (path.startsWith("?")) path = `/${path}`;
  return { secure, host: match[2].replace(/^\[|\]$/g, ""), port, path };
}
