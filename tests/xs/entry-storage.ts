/**
 * XS entry for the storage tests: FlashQueue, FlashRing and the OCPP frame
 * log on the real XS engine, over the bridged flash partitions ("journal",
 * "ocpplog") and key-value store of the xsnap platform.
 */
import { createXsnapPlatform } from "platform/xsnap/index";
import { OcppFrameLog } from "ocpp/framelog/frame-log";
import { FlashQueue, QueueFullError } from "storage/flash-queue";
import { FlashRing } from "storage/flash-ring";

const platform = createXsnapPlatform();
let queue: FlashQueue | undefined;
let frameLog: OcppFrameLog | undefined;

function openQueue(): FlashQueue {
  if (!queue) queue = new FlashQueue(platform.openFlash("journal"));
  return queue;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : "unknown";
}

/** Boots the queue from flash (recovery scan); returns its size. */
platform.expose("queueOpen", () => openQueue().size);

/** Pushes records; returns their seqs, or the error name that stopped it. */
platform.expose("queuePush", (records: unknown) => {
  const seqs: number[] = [];
  try {
    for (const record of records as string[]) seqs.push(openQueue().push(record));
    return { seqs };
  } catch (error) {
    return { seqs, error: errorName(error), full: error instanceof QueueFullError };
  }
});

/** Pops `count` records from the head; returns what was popped. */
platform.expose("queuePop", (count: unknown) => {
  const popped: Array<[number, string]> = [];
  try {
    for (let i = 0; i < Number(count); i++) {
      const head = openQueue().peek();
      if (!head) break;
      openQueue().pop(head.seq);
      popped.push([head.seq, head.record]);
    }
    return { popped };
  } catch (error) {
    return { popped, error: errorName(error) };
  }
});

/** The waiting records, oldest first. */
platform.expose("queueList", () => {
  const all: Array<[number, string]> = [];
  openQueue().forEach((seq, record) => all.push([seq, record]));
  return { size: openQueue().size, all, freeBytes: openQueue().freeBytes };
});

platform.expose("frameLogRecord", (direction: unknown, action: unknown, frame: unknown) => {
  if (!frameLog) frameLog = new OcppFrameLog(new FlashRing(platform.openFlash("ocpplog")), platform.clock, platform.kv);
  frameLog.record(direction === "in" ? "in" : "out", String(action), String(frame));
  return frameLog.exportText();
});
