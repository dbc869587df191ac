/**
 * Host TCP client over node:net for the TcpClient port.
 */
import { Socket } from "node:net";
import type { TcpClient, TcpConnection, TcpEvents } from "ports/tcp";

export class NodeTcpClient implements TcpClient {
  connect(host: string, port: number, events: TcpEvents): TcpConnection {
    const socket = new Socket();
    let ended = false; // one final event, none after our own close()
    const finish = (error: string | undefined): void => {
      if (ended) return;
      ended = true;
      if (error === undefined) events.onClose();
      else events.onError(error);
    };
    socket.on("connect", () => {
      if (!ended) events.onConnect();
    });
    socket.on("data", (data: Buffer) => {
      if (!ended) events.onData(new Uint8Array(data.buffer, data.byteOffset, data.length));
    });
    socket.on("error", (error: Error) => finish(`${host}:${port}: ${error.message}`));
    socket.on("close", () => finish(undefined));
    socket.connect({ host, port });
    return {
      write(bytes: Uint8Array): void {
        if (ended) return;
        socket.write(bytes, () => {
          if (!ended && socket.writableLength === 0) events.onDrain?.();
        });
      },
      get pending(): number {
        return socket.writableLength;
      },
      close(): void {
        ended = true;
        socket.destroy();
      },
    };
  }
}
