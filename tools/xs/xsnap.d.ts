// Our declaration of the part of @agoric/xsnap 0.15 we use (the package ships JSDoc only).
declare module "@agoric/xsnap" {
  import type { spawn } from "node:child_process";

  export interface XsnapMeterUsage {
    meterType: string;
    compute: number | null;
    allocate: number | null;
    currentHeapCount: number | null;
    timestamps: number[] | null;
  }

  export interface XsnapRunResult<T> {
    reply: T;
    meterUsage: XsnapMeterUsage;
  }

  export interface XsnapOptions {
    os: string;
    spawn: typeof spawn;
    fs: object;
    name?: string;
    handleCommand?: (request: Uint8Array) => Promise<Uint8Array>;
    debug?: boolean;
    stdout?: "ignore" | "inherit" | "pipe";
    stderr?: "ignore" | "inherit" | "pipe";
    meteringLimit?: number;
  }

  export interface XsnapWorker {
    evaluate(code: string): Promise<XsnapRunResult<Uint8Array>>;
    issueCommand(message: Uint8Array): Promise<XsnapRunResult<Uint8Array>>;
    issueStringCommand(message: string): Promise<XsnapRunResult<string>>;
    close(): Promise<void>;
    terminate(): Promise<void>;
  }

  export function xsnap(options: XsnapOptions): Promise<XsnapWorker>;
}

declare module "@endo/init";
