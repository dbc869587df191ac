/**
 * A tiny FTP server for the tests (node:net on 127.0.0.1): USER/PASS/TYPE/
 * CWD/PASV/EPSV/STOR/RETR/QUIT over passive data connections, files in a
 * map keyed by absolute path. It can refuse the login, refuse PASV (the
 * client must fall back to EPSV), greet with a multi-line reply, and drop
 * the data connection of the next N transfers (426 on the control one).
 */
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";

export class TestFtpServer {
  /** Files served by RETR and stored by STOR, by absolute path ("/dir/name"). */
  readonly files = new Map<string, Uint8Array>();
  /** Every command line received, in order. */
  readonly commands: string[] = [];
  user = "anonymous";
  /** Password required of `user`; undefined accepts any. */
  password: string | undefined;
  /** Answer PASV with 502 (EPSV works). */
  refusePasv = false;
  /** Greeting over several lines. */
  multiLineGreeting = false;
  /** Drop the data connection of this many following transfers. */
  dropTransfers = 0;
  /** After a dropped RETR, still answer 226 (as if the cut went unnoticed). */
  completeAfterDrop = false;
  /** Control connections that ended (the client closed or went away). */
  sessionsEnded = 0;
  port = 0;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #dataServers = new Set<Server>();

  constructor() {
    this.#server = createServer((socket) => this.#session(socket));
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    this.port = (this.#server.address() as AddressInfo).port;
  }

  url(path: string, credentials = ""): string {
    return `ftp://${credentials}127.0.0.1:${this.port}${path}`;
  }

  count(verb: string): number {
    return this.commands.filter((line) => line.split(" ")[0] === verb).length;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    const servers = [this.#server, ...this.#dataServers];
    this.#dataServers.clear();
    await Promise.all(
      servers.map((server) => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()))),
    );
  }

  #track(socket: Socket): void {
    this.#sockets.add(socket);
    socket.on("close", () => this.#sockets.delete(socket));
    socket.on("error", () => undefined);
  }

  #session(control: Socket): void {
    this.#track(control);
    control.on("close", () => this.sessionsEnded++);
    const reply = (text: string): void => {
      if (!control.destroyed) control.write(`${text}\r\n`);
    };
    let userName = "";
    let loggedIn = false;
    let cwd = "/";
    // The next passive data connection (a promise of its socket).
    let data: Promise<Socket> | undefined;

    const openPassive = async (): Promise<number> => {
      const server = createServer();
      this.#dataServers.add(server);
      data = new Promise<Socket>((resolve) => {
        server.once("connection", (socket) => {
          this.#track(socket);
          server.close();
          this.#dataServers.delete(server);
          resolve(socket);
        });
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      return (server.address() as AddressInfo).port;
    };
    const pathOf = (name: string): string => (name.startsWith("/") ? name : `${cwd === "/" ? "" : cwd}/${name}`);

    const handle = async (line: string): Promise<void> => {
      this.commands.push(line);
      const space = line.indexOf(" ");
      const verb = (space < 0 ? line : line.slice(0, space)).toUpperCase();
      const arg = space < 0 ? "" : line.slice(space + 1);
      if (verb === "USER") {
        userName = arg;
        reply("331 Password required");
        return;
      }
      if (verb === "PASS") {
        if (userName === this.user && (this.password === undefined || arg === this.password)) {
          loggedIn = true;
          reply("230 Logged in");
        } else reply("530 Login incorrect");
        return;
      }
      if (verb === "QUIT") {
        reply("221 Bye");
        control.end();
        return;
      }
      if (!loggedIn) {
        reply("530 Please login with USER and PASS");
        return;
      }
      switch (verb) {
        case "TYPE":
          reply(arg.toUpperCase() === "I" ? "200 Type set to I" : "504 Only binary");
          return;
        case "CWD":
          cwd = pathOf(arg);
          reply(`250 Now in ${cwd}`);
          return;
        case "PASV": {
          if (this.refusePasv) {
            reply("502 PASV not implemented");
            return;
          }
          const port = await openPassive();
          // An address the client must ignore: it uses the control connection's host.
          reply(`227 Entering Passive Mode (10,99,0,1,${port >> 8},${port & 255})`);
          return;
        }
        case "EPSV": {
          const port = await openPassive();
          reply(`229 Entering Extended Passive Mode (|||${port}|)`);
          return;
        }
        case "STOR":
          return this.#store(pathOf(arg), data, reply, () => (data = undefined));
        case "RETR":
          return this.#retrieve(pathOf(arg), data, reply, () => (data = undefined));
        default:
          reply("502 Command not implemented");
      }
    };

    let buffered = "";
    let queue = Promise.resolve();
    control.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("latin1");
      let end: number;
      while ((end = buffered.indexOf("\r\n")) >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        queue = queue.then(() => handle(line));
      }
    });
    if (this.multiLineGreeting)
      reply("220-Welcome to the test server\r\n220-Second line\r\n 230 a line that only looks like a reply\r\n220 Ready");
    else reply("220 Ready");
  }

  async #store(path: string, data: Promise<Socket> | undefined, reply: (text: string) => void, used: () => void): Promise<void> {
    if (!data) {
      reply("425 Use PASV first");
      return;
    }
    used();
    const socket = await data;
    reply("150 Ok to send data");
    const drop = this.dropTransfers > 0;
    if (drop) this.dropTransfers--;
    const parts: Buffer[] = [];
    await new Promise<void>((resolve) => {
      socket.on("data", (chunk: Buffer) => {
        parts.push(chunk);
        if (drop) socket.destroy();
      });
      socket.on("close", () => resolve());
    });
    if (drop) {
      reply("426 Connection closed; transfer aborted");
      return;
    }
    this.files.set(path, new Uint8Array(Buffer.concat(parts)));
    reply("226 Transfer complete");
  }

  async #retrieve(path: string, data: Promise<Socket> | undefined, reply: (text: string) => void, used: () => void): Promise<void> {
    if (!data) {
      reply("425 Use PASV first");
      return;
    }
    used();
    const file = this.files.get(path);
    const socket = await data;
    if (!file) {
      socket.destroy();
      reply("550 No such file");
      return;
    }
    reply(`150 Opening BINARY mode data connection for ${path} (${file.length} bytes)`);
    const drop = this.dropTransfers > 0;
    if (drop) this.dropTransfers--;
    const send = drop ? file.subarray(0, file.length >> 1) : file;
    for (let at = 0; at < send.length; at += 4096) socket.write(Buffer.from(send.subarray(at, Math.min(send.length, at + 4096))));
    await new Promise<void>((resolve) => {
      socket.on("close", () => resolve());
      if (drop) socket.write(Buffer.alloc(0), () => socket.destroy());
      else socket.end();
    });
    reply(drop && !this.completeAfterDrop ? "426 Connection closed; transfer aborted" : "226 Transfer complete");
  }
}
