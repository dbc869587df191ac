/**
 * The FTP client (ocpp/firmware-management/ftp-client) over the host TCP client against
 * the test FTP server on 127.0.0.1. Time is a manual Timers: the idle timeout
 * fires only when a test says so.
 */
import { strict as assert } from "node:assert";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import type { TimerHandle, Timers } from "ports/timers";
import { NodeTcpClient } from "platform/host/tcp-node";
import { FtpClient, FtpError, parseFtpUrl, type FtpDownloadSink } from "ocpp/firmware-management/ftp-client";
import { TestFtpServer } from "./ftp-server.ts";
import { waitFor } from "../support/waits.ts";

class ManualTimers implements Timers {
  readonly #pending = new Map<number, () => void>();
  #next = 1;
  once(callback: () => void): TimerHandle {
    const handle = this.#next++;
    this.#pending.set(handle, callback);
    return handle;
  }
  every(): TimerHandle {
    throw new Error("not used");
  }
  clear(handle: TimerHandle): void {
    this.#pending.delete(handle);
  }
  get count(): number {
    return this.#pending.size;
  }
  fireAll(): void {
    const callbacks = [...this.#pending.values()];
    this.#pending.clear();
    for (const callback of callbacks) callback();
  }
}

function pattern(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 13 + 5) & 0xff;
  return bytes;
}

function collector(): FtpDownloadSink & { parts: Uint8Array[]; size: number | undefined | null; whole(): Uint8Array } {
  const parts: Uint8Array[] = [];
  return {
    parts,
    size: null,
    start(size) {
      this.size = size;
    },
    chunk(bytes) {
      parts.push(bytes.slice());
    },
    whole() {
      return new Uint8Array(Buffer.concat(parts));
    },
  };
}

async function rejection(promise: Promise<unknown>): Promise<FtpError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof FtpError, String(error));
    return error;
  }
  assert.fail("expected a rejection");
}

describe("FTP client", function () {
  let server: TestFtpServer;
  let timers: ManualTimers;
  let client: FtpClient;
  const extraServers: Server[] = [];
  const extraSockets: Socket[] = [];

  beforeEach(async function () {
    server = new TestFtpServer();
    await server.listen();
    timers = new ManualTimers();
    client = new FtpClient({ tcp: new NodeTcpClient(), timers });
  });
  afterEach(async function () {
    await server.close();
    for (const socket of extraSockets.splice(0)) socket.destroy();
    await Promise.all(extraServers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  });

  it("parseFtpUrl: credentials, port, %-escapes, directories and file; anonymous by default; bad URLs refused", function () {
    assert.deepEqual(parseFtpUrl("ftp://us%40r:p%3Ass@files.example:2121/a/b%20c/fw.bin"), {
      host: "files.example",
      port: 2121,
      user: "us@r",
      password: "p:ss",
      directories: ["a", "b c"],
      file: "fw.bin",
    });
    assert.deepEqual(parseFtpUrl("FTP://10.0.0.1/diag/"), {
      host: "10.0.0.1",
      port: 21,
      user: "anonymous",
      password: "anonymous@",
      directories: ["diag"],
      file: "",
    });
    assert.equal(parseFtpUrl("ftp://bob@h/x").password, "");
    for (const bad of ["http://h/x", "ftp://", "ftp://h:0/x", "ftp://h:70000/x", "ftp://h/a%0D%0ADELE%20x/f", "ftp://h/%E0%A4%A"]) {
      assert.throws(
        () => parseFtpUrl(bad),
        (error: unknown) => error instanceof FtpError && error.code === "bad-url",
        bad,
      );
    }
  });

  it("upload: USER/PASS from the URL, TYPE I, CWD into the directories, PASV, STOR, QUIT; the server has the exact bytes", async function () {
    server.user = "diag";
    server.password = "s3cret";
    const body = pattern(300_000);
    const result = await client.upload(server.url("/logs/cp1/file.txt", "diag:s3cret@"), body);
    assert.equal(result.bytes, body.length);
    assert.deepEqual(server.files.get("/logs/cp1/file.txt"), body);
    assert.deepEqual(server.commands.slice(0, 7), ["USER diag", "PASS s3cret", "TYPE I", "CWD logs", "CWD cp1", "PASV", "STOR file.txt"]);
    await waitFor("the QUIT", () => server.count("QUIT") === 1, 2500);
    assert.equal(timers.count, 0, "no timer left once QUIT was answered");
  });

  it("download: multi-line greeting, PASV refused so EPSV, RETR into the sink with the announced size", async function () {
    server.multiLineGreeting = true;
    server.refusePasv = true;
    const image = pattern(70_001);
    server.files.set("/fw/image.bin", image);
    const sink = collector();
    const result = await client.download(server.url("/fw/image.bin"), sink);
    assert.equal(result.bytes, image.length);
    assert.equal(sink.size, image.length);
    assert.deepEqual(sink.whole(), image);
    assert.ok(sink.parts.length > 1, "several chunks");
    assert.deepEqual(server.commands.slice(0, 7), [
      "USER anonymous",
      "PASS anonymous@",
      "TYPE I",
      "CWD fw",
      "PASV",
      "EPSV",
      "RETR image.bin",
    ]);
  });

  it("an empty file uploads as an empty file", async function () {
    const result = await client.upload(server.url("/empty.txt"), new Uint8Array(0));
    assert.equal(result.bytes, 0);
    assert.deepEqual(server.files.get("/empty.txt"), new Uint8Array(0));
  });

  it("wrong password: login error with the server's answer, no STOR", async function () {
    server.user = "diag";
    server.password = "right";
    const error = await rejection(client.upload(server.url("/f.txt", "diag:wrong@"), pattern(10)));
    assert.equal(error.code, "login");
    assert.equal(error.reply, 530);
    assert.match(error.message, /530 Login incorrect/);
    assert.ok(!error.message.includes("wrong"), "the password is not in the message");
    assert.equal(server.count("STOR"), 0);
  });

  it("dropped data connection: STOR fails as a network error; RETR short of the announced size fails", async function () {
    server.dropTransfers = 2;
    const upload = await rejection(client.upload(server.url("/f.bin"), pattern(200_000)));
    assert.equal(upload.code, "network");
    assert.equal(server.files.has("/f.bin"), false);
    server.files.set("/g.bin", pattern(50_000));
    const download = await rejection(client.download(server.url("/g.bin"), collector()));
    assert.equal(download.code, "network");
  });

  it("a download shorter than the size in the 150 answer fails even when the server answers 226", async function () {
    server.files.set("/g.bin", pattern(50_000));
    server.dropTransfers = 1;
    server.completeAfterDrop = true;
    const error = await rejection(client.download(server.url("/g.bin"), collector()));
    assert.equal(error.code, "network");
    assert.match(error.message, /25000 of 50000 bytes/);
  });

  it("missing file: RETR refused (550)", async function () {
    const error = await rejection(client.download(server.url("/nope.bin"), collector()));
    assert.equal(error.code, "refused");
    assert.equal(error.reply, 550);
  });

  it("a sink that throws aborts the download", async function () {
    server.files.set("/f.bin", pattern(20_000));
    const sink = collector();
    sink.chunk = () => {
      throw new Error("slot full");
    };
    const error = await rejection(client.download(server.url("/f.bin"), sink));
    assert.equal(error.code, "aborted");
    assert.match(error.message, /slot full/);
  });

  it("connection refused: network error", async function () {
    const port = server.port;
    await server.close();
    const error = await rejection(client.upload(`ftp://127.0.0.1:${port}/f.txt`, pattern(10)));
    assert.equal(error.code, "network");
  });

  it("a server that never answers: timeout when the idle timer fires, connection closed", async function () {
    const silent = createServer((socket) => {
      extraSockets.push(socket);
      socket.on("error", () => undefined);
    });
    extraServers.push(silent);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as AddressInfo).port;
    const pending = client.upload(`ftp://127.0.0.1:${port}/f.txt`, pattern(10));
    await waitFor("the extra connection", () => extraSockets.length === 1, 2500);
    assert.equal(timers.count, 1);
    timers.fireAll();
    const error = await rejection(pending);
    assert.equal(error.code, "timeout");
    await waitFor("the extra connection to end", () => extraSockets[0].readableEnded || extraSockets[0].destroyed, 2500);
  });

  it("a garbled reply is a protocol error", async function () {
    const liar = createServer((socket) => {
      extraSockets.push(socket);
      socket.on("error", () => undefined);
      socket.write("HTTP/1.1 400 Bad Request\r\n\r\n");
    });
    extraServers.push(liar);
    await new Promise<void>((resolve) => liar.listen(0, "127.0.0.1", resolve));
    const error = await rejection(client.download(`ftp://127.0.0.1:${(liar.address() as AddressInfo).port}/f`, collector()));
    assert.equal(error.code, "protocol");
  });
});
