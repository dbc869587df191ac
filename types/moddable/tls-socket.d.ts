// Checked against $MODDABLE/typings/embedded_io/socket/tls.d.ts and
// $MODDABLE/examples/io/tcp/tlssocket/tlssocket.js (Moddable SDK 8.2.3).
declare module "embedded:io/socket/tcp/tls" {
  export interface TLSSocketOptions {
    /** Server name (also the default SNI name). */
    host: string;
    /** Resolved IP address. */
    address?: string;
    port: number;
    /** The TCP socket class to run TLS over, e.g. {io: TCP} from "embedded:io/socket/tcp". */
    TCP: { io: new (options: never) => object };
    /** Options for the SDK's "ssl/session" (e.g. serverName, applicationLayerProtocolNegotiation). */
    secure?: Readonly<Record<string, unknown>>;
    format?: "buffer" | "number";
    onReadable?: (this: void, count: number) => void;
    onWritable?: (this: void, count: number) => void;
    onError?: (this: void) => void;
  }

  /** ECMA-419 TLS (1.2) client socket; pass the class as `socket.io` to the WebSocket client. */
  export default class TLSSocket {
    constructor(options: TLSSocketOptions);
    read(): ArrayBuffer | number | undefined;
    read(count: number): ArrayBuffer | undefined;
    read(buffer: ArrayBuffer | ArrayBufferView): number | undefined;
    write(buffer: ArrayBuffer | ArrayBufferView): number;
    close(): void;
    format: "buffer" | "number";
  }
}
