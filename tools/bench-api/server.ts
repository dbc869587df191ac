// The bench HTTP server: the bench web page, its JSON API and a Server-Sent-Events stream,
// all on 127.0.0.1 over node:http. Endpoints are documented in API.md.
// A fleet: every endpoint takes an optional `charger` (identity; query for GET, body field for
// POST) selecting its target, the first charger by default; `GET /chargers` lists them.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { readFileSync } from "node:fs";
import { closeNow, listenOnLoopback } from "../csms/listen.ts";
import { BENCH_ROUTES, CSMS_ROUTES, type PostRoute } from "./routes.ts";
import { compositeScheduleOf } from "./schedule-route.ts";
import { BenchTargetError, BenchTargetUnsupported, type BenchEvent, type BenchFrame, type BenchTarget } from "./target.ts";
import { BadRequest, checkBody } from "./validate.ts";

/** One charger of a fleet the bench can follow. */
export interface NamedBenchTarget {
  identity: string;
  target: BenchTarget;
}

export interface BenchApiOptions {
  /** A single charger (identity "charger" in `GET /chargers`), when `chargers` is not given. */
  target?: BenchTarget;
  /** The chargers of a fleet, the first one the default target. */
  chargers?: readonly NamedBenchTarget[];
  /** TCP port on 127.0.0.1; 0 (default) picks a free port. */
  port?: number;
  /** Largest accepted request body, bytes (default 16 KiB). */
  maxBodyBytes?: number;
  /** Interval of SSE keep-alive comments, ms (default 15000). */
  keepAliveMs?: number;
}

export interface BenchApi {
  /** e.g. http://127.0.0.1:8080 */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const PAGE_HTML = readFileSync(new URL("./page.html", import.meta.url), "utf8");
const CSMS_PREFIX = "/csms/";

/** Answered with HTTP 4xx and `{ "error": message }`. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** One line per frame: `<time> <arrow> <frame>`; `->` charger to CSMS, `<-` CSMS to charger. */
export function formatBenchFrames(frames: readonly BenchFrame[]): string {
  return frames.map((f) => `${f.at} ${f.direction === "cp-to-csms" ? "->" : "<-"} ${f.text}\n`).join("");
}

export async function startBenchApi(options: BenchApiOptions): Promise<BenchApi> {
  const chargers: readonly NamedBenchTarget[] =
    options.chargers && options.chargers.length > 0
      ? options.chargers
      : options.target
        ? [{ identity: "charger", target: options.target }]
        : [];
  if (chargers.length === 0) throw new Error("startBenchApi needs a target or at least one charger");
  const byIdentity = new Map<string, BenchTarget>();
  for (const c of chargers) {
    if (byIdentity.has(c.identity)) throw new Error(`duplicate charger identity ${c.identity}`);
    byIdentity.set(c.identity, c.target);
  }
  /** The charger an endpoint addresses: `charger` given, or the first. */
  function select(identity: unknown): BenchTarget {
    if (identity === undefined || identity === null || identity === "") return chargers[0].target;
    if (typeof identity !== "string") throw new BadRequest("field 'charger' must be a string (a charger identity)");
    const found = byIdentity.get(identity);
    if (!found) throw new HttpError(404, `no charger '${identity}' (known: ${chargers.map((c) => c.identity).join(", ")})`);
    return found;
  }
  const maxBodyBytes = options.maxBodyBytes ?? 16 * 1024;
  const keepAliveMs = options.keepAliveMs ?? 15000;
  const streams = new Set<ServerResponse>();

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof HttpError) return sendJson(res, error.status, { error: error.message }, error.headers);
      if (error instanceof BadRequest) return sendJson(res, 400, { error: error.message });
      if (error instanceof BenchTargetError) return sendJson(res, 409, { error: error.message });
      if (error instanceof BenchTargetUnsupported) return sendJson(res, 501, { error: error.message });
      sendJson(res, 500, { error: error instanceof Error ? error.message : String(error) });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const path = url.pathname;
    const method = req.method ?? "GET";

    const get = GET_ROUTES[path];
    if (get) {
      allow(method, "GET");
      return get(res, select(url.searchParams.get("charger") ?? undefined), url.searchParams);
    }
    const route = BENCH_ROUTES[path] ?? csmsRoute(path);
    if (!route) throw new HttpError(404, `no such endpoint: ${path}`);
    allow(method, "POST");
    const raw = await readJson(req, maxBodyBytes);
    // `charger` selects the target (body field, or the query); the rest is the endpoint's own body.
    let identity: unknown = url.searchParams.get("charger") ?? undefined;
    let fields = raw;
    if (raw !== null && typeof raw === "object" && !Array.isArray(raw) && Object.hasOwn(raw, "charger")) {
      const { charger, ...rest } = raw as Record<string, unknown>;
      identity = charger;
      fields = rest;
    }
    const target = select(identity);
    const body = checkBody(fields, route.body, target.getState().connectors.length);
    const response = await route.run(target, body);
    sendJson(res, 200, response === undefined ? { ok: true } : { ok: true, response });
  }

  const GET_ROUTES: Readonly<Record<string, (res: ServerResponse, target: BenchTarget, query: URLSearchParams) => void | Promise<void>>> = {
    "/": (res) => send(res, 200, "text/html; charset=utf-8", PAGE_HTML),
    "/index.html": (res) => send(res, 200, "text/html; charset=utf-8", PAGE_HTML),
    "/chargers": (res) =>
      sendJson(res, 200, {
        default: chargers[0].identity,
        chargers: chargers.map((c) => ({ identity: c.identity, connection: c.target.getState().connection })),
      }),
    "/state": (res, target) => sendJson(res, 200, target.getState()),
    "/log": (res, target) => send(res, 200, "text/plain; charset=utf-8", formatBenchFrames(target.frames())),
    "/events": (res, target) => openStream(res, target),
    "/composite-schedule": async (res, target, query) => sendJson(res, 200, await compositeScheduleOf(target, query)),
  };

  function openStream(res: ServerResponse, target: BenchTarget): void {
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
    streams.add(res);
    const write = (event: BenchEvent): void => {
      const data = event.type === "state" ? event.state : event.frame;
      res.write(`event: ${event.type}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    // A new (or reconnecting) viewer first gets the current state and the frames so far.
    write({ type: "state", state: target.getState() });
    for (const frame of target.frames()) write({ type: "frame", frame });
    const unsubscribe = target.subscribe(write);
    const keepAlive = setInterval(() => res.write(": keep-alive\n\n"), keepAliveMs);
    keepAlive.unref();
    res.once("close", () => {
      clearInterval(keepAlive);
      unsubscribe();
      streams.delete(res);
    });
  }

  const port = await listenOnLoopback(server, options.port ?? 0);

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () => {
      for (const res of streams) res.end();
      return closeNow(server);
    },
  };
}

function csmsRoute(path: string): PostRoute | undefined {
  if (!path.startsWith(CSMS_PREFIX)) return undefined;
  const name = path.slice(CSMS_PREFIX.length);
  if (Object.hasOwn(CSMS_ROUTES, name)) return CSMS_ROUTES[name];
  throw new HttpError(404, `unknown CSMS action '${name}' (known: ${Object.keys(CSMS_ROUTES).join(", ")})`);
}

function allow(method: string, allowed: string): void {
  if (method !== allowed) throw new HttpError(405, `method ${method} not allowed here; use ${allowed}`, { allow: allowed });
}

async function readJson(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const text = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit the rest is read and dropped, so the client still gets the answer.
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.once("error", reject);
    req.once("end", () => {
      if (size > maxBytes) reject(new BadRequest(`request body too large (limit ${maxBytes} bytes)`));
      else resolve(Buffer.concat(chunks).toString("utf8"));
    });
  });
  if (text.trim() === "") throw new BadRequest("request body must be a JSON object");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BadRequest(`invalid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function send(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { "content-type": type, "cache-control": "no-store", ...headers });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  send(res, status, "application/json; charset=utf-8", `${JSON.stringify(value)}\n`, headers);
}
