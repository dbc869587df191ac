// Checked against $MODDABLE/typings/instrumentation.d.ts (Moddable SDK 8.2.3).
declare module "instrumentation" {
  /** Counter names; which exist depends on the platform and build. */
  export type InstrumentationName =
    | "Pixels Drawn"
    | "Frames Drawn"
    | "Network Bytes Read"
    | "Network Bytes Written"
    | "Network Sockets"
    | "Timers"
    | "Files"
    | "Poco Display List Used"
    | "Piu Command List Used"
    | "Turns"
    | "CPU 0"
    | "CPU 1"
    | "System Free Memory"
    | "XS Slot Heap Used"
    | "XS Chunk Heap Used"
    | "XS Keys Used"
    | "XS Garbage Collection Count"
    | "XS Modules Loaded"
    | "XS Stack Used"
    | "XS Promises Settled";

  /**
   * Values exist only in instrumented builds (mcconfig -d or -i, which define
   * MODINSTRUMENTATION); otherwise every call returns undefined.
   */
  const Instrumentation: {
    /** Current value of counter `index` (from map()), or undefined. */
    get(index: number): number | undefined;
    /** Index of the counter called `name`, or undefined when this build has no such counter. */
    map(name: InstrumentationName): number | undefined;
  };
  export default Instrumentation;
}
