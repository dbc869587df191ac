/**
 * A minimal FTP client (RFC 959) for GetDiagnostics uploads and UpdateFirmware
 * downloads over the TCP port: login (USER/PASS, anonymous by default), TYPE I,
 * CWD into the URL's directories (RFC 1738 §3.2.2), passive mode (PASV, EPSV
 * of RFC 2428 when PASV is refused), one STOR or RETR, QUIT.
 *
 * One session per transfer, driven by the TCP events; an idle timeout covers
 * every step. The data connection goes to the control connection's host: the
 * address in the PASV answer is ignored (servers behind NAT give private
 * addresses, and it would let a server point us elsewhere).
 *
 * A download is complete when the data connection ended, the server answered
 * 226/250 and, when the 150 answer gave a size, that many bytes came (some
 * stacks report a reset data connection as an ordinary close).
 */
import type { TcpClient, TcpConnection } from "ports/tcp";
import type { TimerHandle, Timers } from "ports/timers";
import { encodeUtf8 } from "util/utf8";

export type FtpErrorCode = "bad-url" | "network" | "login" | "refused" | "timeout" | "protocol" | "aborted";

export class FtpError extends Error {
  override name = "FtpError"; // a field: XS preload freezes Error.prototype, so assigning name throws
  readonly code: FtpErrorCode;
  /** The server's reply code that caused it (0: none). */
  readonly reply: number;
  constructor(code: FtpErrorCode, message: string, reply = 0) {
    super(message);
    this.code = code;
    this.reply = reply;
  }
}

/** An ftp:// URL split into what a session needs (no URL class on XS). */
export interface FtpUrl {
  host: string;
  port: number;
  user: string;
  password: string;
  /** Decoded path segments to CWD into, in order ("" segments dropped). */
  directories: string[];
  /** Decoded last path segment: the file to STOR or RETR ("" for a directory URL). */
  file: string;
}

const ANONYMOUS_PASSWORD = "anonymous@";
const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_LINE = 1024;

function decodeSegment(text: string, url: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(text);
  } catch {
    throw new FtpError("bad-url", `bad %-escape in ${url}`);
  }
  // A CR or LF would end the command early and start another one.
  if (/[\r\n\0]/.test(decoded)) throw new FtpError("bad-url", `control characters in ${url}`);
  return decoded;
}

/** Splits an ftp:// URL (user and password optional, RFC 1738); throws FtpError("bad-url") otherwise. */
export function parseFtpUrl(url: string): FtpUrl {
  const match = /^ftp:\/\/(?:([^:@/?#]*)(?::([^@/?#]*))?@)?(\[[^\]]+\]|[^/:?#@]+)(?::(\d{1,5}))?(\/[^?#]*)?$/i.exec(url);
  if (!match) throw new FtpError("bad-url", `not an ftp:// URL: ${url}`);
  const port = match[4] ? Number(match[4]) : 21;
  if (port < 1 || port > 65535) throw new FtpError("bad-url", `bad port in ${url}`);
  const user = match[1] ? decodeSegment(match[1], url) : "anonymous";
  const password = match[2] !== undefined ? decodeSegment(match[2], url) : match[1] ? "" : ANONYMOUS_PASSWORD;
  const path = (match[5] ?? "/").replace(/;type=[aid]$/i, "");
  const segments = path.slice(1).split("/");
  const directories: string[] = [];
  for (let i = 0; i < segments.length - 1; i++) {
    if (segments[i].length > 0) directories.push(decodeSegment(segments[i], url));
  }
  const file = decodeSegment(segments[segments.length - 1], url);
  return { host: match[3].replace(/^\[|\]$/g, ""), port, user, password, directories, file };
}

export interface FtpDownloadSink {
  /** The transfer begins; `size` when the server told it. Throwing aborts. */
  start(size: number | undefined): void;
  /** The next piece; the bytes are only valid during the call. Throwing aborts. */
  chunk(bytes: Uint8Array): void;
}

export interface FtpResult {
  /** Bytes stored (upload) or handed to the sink (download). */
  bytes: number;
}

export interface FtpClientOptions {
  tcp: TcpClient;
  timers: Timers;
  /** Longest silence of the server in any step (default 30 s). */
  timeoutMs?: number;
}

export class FtpClient {
  readonly #o: FtpClientOptions;

  constructor(options: FtpClientOptions) {
    this.#o = options;
  }

  /** Stores `body` as the file named by `url` (ftp://[user[:password]@]host[:port]/dir/file). */
  upload(url: string, body: Uint8Array): Promise<FtpResult> {
    return new Promise<FtpResult>((resolve, reject) => {
      new FtpSession(this.#o, url, body, undefined, resolve, reject).start();
    });
  }

  /** Retrieves the file named by `url` into `sink`. */
  download(url: string, sink: FtpDownloadSink): Promise<FtpResult> {
    return new Promise<FtpResult>((resolve, reject) => {
      new FtpSession(this.#o, url, undefined, sink, resolve, reject).start();
    });
  }
}

type Step = "greeting" | "user" | "pass" | "type" | "cwd" | "pasv" | "epsv" | "data" | "transfer" | "quit" | "done";

class FtpSession {
  readonly #o: FtpClientOptions;
  readonly #url: string;
  readonly #body: Uint8Array | undefined;
  readonly #sink: FtpDownloadSink | undefined;
  readonly #resolve: (result: FtpResult) => void;
  readonly #reject: (error: FtpError) => void;
  #target: FtpUrl | undefined;
  #step: Step = "greeting";
  #control: TcpConnection | undefined;
  #data: TcpConnection | undefined;
  #timer: TimerHandle | undefined;
  #line = "";
  /** Code of the multi-line reply being read (0: none). */
  #multi = 0;
  #multiText = "";
  #cwdIndex = 0;
  #started = false;
  #size: number | undefined;
  #bytes = 0;
  #dataDone = false;
  #finalReply = false;
  /** The promise was resolved or rejected. */
  #settled = false;

  constructor(
    options: FtpClientOptions,
    url: string,
    body: Uint8Array | undefined,
    sink: FtpDownloadSink | undefined,
    resolve: (result: FtpResult) => void,
    reject: (error: FtpError) => void,
  ) {
    this.#o = options;
    this.#url = url;
    this.#body = body;
    this.#sink = sink;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  start(): void {
    let target: FtpUrl;
    try {
      target = parseFtpUrl(this.#url);
    } catch (error) {
      this.#fail(error as FtpError);
      return;
    }
    if (target.file.length === 0) {
      this.#fail(new FtpError("bad-url", `no file name in ${this.#url}`));
      return;
    }
    this.#target = target;
    this.#arm();
    const session = this;
    const control = this.#o.tcp.connect(target.host, target.port, {
      onConnect(): void {
        session.#arm();
      },
      onData(bytes: Uint8Array): void {
        session.#controlData(bytes);
      },
      onClose(): void {
        session.#controlEnded("the server closed the control connection");
      },
      onError(message: string): void {
        session.#controlEnded(message);
      },
    });
    if (this.#ended()) control.close();
    else this.#control = control;
  }

  // --- control connection -------------------------------------------------

  #controlData(bytes: Uint8Array): void {
    if (this.#ended()) return;
    let line = this.#line;
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i];
      if (byte === 10) {
        const end = line.length > 0 && line.charCodeAt(line.length - 1) === 13 ? line.length - 1 : line.length;
        this.#line = "";
        this.#replyLine(line.slice(0, end));
        if (this.#ended()) return;
        line = this.#line;
      } else {
        line += String.fromCharCode(byte);
        if (line.length > MAX_LINE) {
          this.#fail(new FtpError("protocol", "reply line too long"));
          return;
        }
      }
    }
    this.#line = line;
  }

  #replyLine(line: string): void {
    if (this.#multi !== 0) {
      // A multi-line reply ends with its code and a space (RFC 959 §4.2).
      if (line.length >= 3 && Number(line.slice(0, 3)) === this.#multi && (line.length === 3 || line.charAt(3) === " ")) {
        const code = this.#multi;
        this.#multi = 0;
        this.#reply(code, `${this.#multiText}\n${line.slice(4)}`);
      } else {
        this.#multiText += `\n${line}`;
      }
      return;
    }
    if (!/^[1-5]\d\d([ -]|$)/.test(line)) {
      this.#fail(new FtpError("protocol", `not an FTP reply: ${line.slice(0, 80)}`));
      return;
    }
    const code = Number(line.slice(0, 3));
    if (line.charAt(3) === "-") {
      this.#multi = code;
      this.#multiText = line.slice(4);
      return;
    }
    this.#reply(code, line.slice(4));
  }

  #reply(code: number, text: string): void {
    this.#arm();
    const target = this.#target as FtpUrl;
    const said = `${code} ${text}`.slice(0, 200);
    if (code === 421 && this.#step !== "quit") {
      this.#fail(new FtpError("network", `server closing: ${said}`, code));
      return;
    }
    switch (this.#step) {
      case "greeting":
        if (code < 200) return; // 120: ready in a moment
        if (code !== 220) return this.#fail(new FtpError("refused", `no session: ${said}`, code));
        this.#step = "user";
        this.#send(`USER ${target.user}`);
        return;
      case "user":
        if (code === 230) return this.#loggedIn();
        if (code === 331) {
          this.#step = "pass";
          this.#send(`PASS ${target.password}`);
          return;
        }
        return this.#fail(new FtpError("login", `login of ${target.user} refused: ${said}`, code));
      case "pass":
        if (code === 230 || code === 202) return this.#loggedIn();
        return this.#fail(new FtpError("login", `login of ${target.user} refused: ${said}`, code));
      case "type":
        if (code < 200 || code > 299) return this.#fail(new FtpError("protocol", `TYPE I refused: ${said}`, code));
        return this.#nextDirectory();
      case "cwd":
        if (code < 200 || code > 299) {
          return this.#fail(new FtpError("refused", `CWD ${target.directories[this.#cwdIndex - 1]} refused: ${said}`, code));
        }
        return this.#nextDirectory();
      case "pasv":
        if (code === 227) return this.#passivePort(/(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3})/.exec(text), 5, said);
        if (code >= 500) {
          this.#step = "epsv";
          this.#send("EPSV");
          return;
        }
        return this.#fail(new FtpError("refused", `PASV refused: ${said}`, code));
      case "epsv":
        if (code === 229) return this.#passivePort(/\(([!-~])\1\1(\d{1,5})\1\)/.exec(text), 2, said);
        return this.#fail(new FtpError("refused", `no passive mode (PASV and EPSV refused): ${said}`, code));
      case "transfer":
        return this.#transferReply(code, text, said);
      case "quit":
        this.#finish();
        return;
      default:
        // "data": nothing was asked; a stray reply is ignored.
        return;
    }
  }

  #loggedIn(): void {
    this.#step = "type";
    this.#send("TYPE I");
  }

  #nextDirectory(): void {
    const directories = (this.#target as FtpUrl).directories;
    if (this.#cwdIndex < directories.length) {
      this.#step = "cwd";
      this.#send(`CWD ${directories[this.#cwdIndex++]}`);
      return;
    }
    this.#step = "pasv";
    this.#send("PASV");
  }

  #passivePort(match: RegExpExecArray | null, at: number, said: string): void {
    const port = match === null ? 0 : at === 5 ? Number(match[5]) * 256 + Number(match[6]) : Number(match[2]);
    if (!(port >= 1 && port <= 65535)) {
      this.#fail(new FtpError("protocol", `no port in the passive answer: ${said}`));
      return;
    }
    this.#step = "data";
    const session = this;
    const data = this.#o.tcp.connect((this.#target as FtpUrl).host, port, {
      onConnect(): void {
        session.#dataConnected();
      },
      onData(bytes: Uint8Array): void {
        session.#dataBytes(bytes);
      },
      onDrain(): void {
        session.#dataDrained();
      },
      onClose(): void {
        session.#dataClosed();
      },
      onError(message: string): void {
        session.#fail(new FtpError("network", `data connection: ${message}`));
      },
    });
    if (this.#ended()) data.close();
    else this.#data = data;
  }

  #transferReply(code: number, text: string, said: string): void {
    if (code < 200) {
      // 125/150: the transfer begins; "(1234 bytes)" is the usual size note.
      const size = /\((\d+) bytes?\)/i.exec(text);
      if (size && this.#sink) this.#size = Number(size[1]);
      this.#begin();
      return;
    }
    if (code >= 300) {
      const kind = code === 425 || code === 426 ? "network" : "refused";
      this.#fail(new FtpError(kind, `${this.#body ? "STOR" : "RETR"} failed: ${said}`, code));
      return;
    }
    this.#finalReply = true;
    if (this.#body && !this.#dataDone) {
      this.#fail(new FtpError("protocol", `the server ended STOR before the upload was sent: ${said}`, code));
      return;
    }
    this.#maybeComplete();
  }

  #controlEnded(message: string): void {
    if (this.#step === "quit") {
      this.#finish();
      return;
    }
    this.#fail(new FtpError("network", message));
  }

  #send(command: string): void {
    this.#control?.write(encodeUtf8(`${command}\r\n`));
  }

  // --- data connection ----------------------------------------------------

  #dataConnected(): void {
    if (this.#step !== "data") return;
    this.#arm();
    this.#step = "transfer";
    this.#send(`${this.#body ? "STOR" : "RETR"} ${(this.#target as FtpUrl).file}`);
  }

  #begin(): void {
    if (this.#started) return;
    this.#started = true;
    const body = this.#body;
    if (body) {
      if (body.length === 0) this.#dataDrained();
      else this.#data?.write(body);
      return;
    }
    try {
      this.#sink?.start(this.#size);
    } catch (error) {
      this.#fail(new FtpError("aborted", (error as Error).message));
    }
  }

  #dataBytes(bytes: Uint8Array): void {
    if (this.#step !== "transfer" || this.#body) return;
    this.#arm();
    // The data may overtake the 150 answer on the other connection.
    this.#begin();
    if (this.#step !== "transfer") return;
    try {
      this.#sink?.chunk(bytes);
    } catch (error) {
      this.#fail(new FtpError("aborted", (error as Error).message));
      return;
    }
    this.#bytes += bytes.length;
  }

  #dataDrained(): void {
    const body = this.#body;
    if (!body || this.#step !== "transfer" || this.#dataDone) return;
    this.#arm();
    // All handed to the stack: closing ends the file (the server answers 226).
    this.#dataDone = true;
    this.#bytes = body.length;
    this.#data?.close();
    this.#data = undefined;
  }

  #dataClosed(): void {
    this.#data = undefined;
    if (this.#step !== "transfer" && this.#step !== "data") return;
    if (this.#body) {
      if (!this.#dataDone) this.#fail(new FtpError("network", "the server closed the data connection during the upload"));
      return;
    }
    this.#arm();
    this.#dataDone = true;
    this.#maybeComplete();
  }

  #maybeComplete(): void {
    if (!this.#dataDone || !this.#finalReply) return;
    if (this.#size !== undefined && this.#bytes !== this.#size) {
      this.#fail(new FtpError("network", `download ended after ${this.#bytes} of ${this.#size} bytes`));
      return;
    }
    // Done: the answer goes out now; QUIT only says goodbye (its answer or the timeout closes).
    this.#step = "quit";
    this.#settled = true;
    this.#resolve({ bytes: this.#bytes });
    this.#send("QUIT");
  }

  // --- end ------------------------------------------------------------------

  #ended(): boolean {
    return this.#step === "done";
  }

  #arm(): void {
    if (this.#timer !== undefined) this.#o.timers.clear(this.#timer);
    this.#timer = this.#o.timers.once(() => {
      this.#timer = undefined;
      if (this.#step === "quit") this.#finish();
      else this.#fail(new FtpError("timeout", `no answer from the FTP server in ${this.#timeoutMs() / 1000} s (${this.#step})`));
    }, this.#timeoutMs());
  }

  #timeoutMs(): number {
    return this.#o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  #close(): void {
    this.#step = "done";
    if (this.#timer !== undefined) this.#o.timers.clear(this.#timer);
    this.#timer = undefined;
    this.#data?.close();
    this.#data = undefined;
    this.#control?.close();
    this.#control = undefined;
  }

  /** QUIT was answered, or the server went away after it. */
  #finish(): void {
    this.#close();
  }

  #fail(error: FtpError): void {
    if (this.#ended()) return;
    this.#close();
    if (this.#settled) return;
    this.#settled = true;
    this.#reject(error);
  }
}
