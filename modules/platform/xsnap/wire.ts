/**
 * Message format between the XS worker and its Node parent (both ways):
 * [u32 little-endian header length][header JSON in UTF-8][optional payload bytes].
 * Plain TypeScript so the Node runner and the XS side share it.
 */
import { decodeUtf8, encodeUtf8 } from "util/utf8";

export type WireHeader = { op: string } & Record<string, unknown>;

export interface WireMessage {
  header: WireHeader;
  payload: Uint8Array;
}

export function encodeWire(header: WireHeader, payload?: Uint8Array): Uint8Array {
  const json = encodeUtf8(JSON.stringify(header));
  const message = new Uint8Array(4 + json.length + (payload ? payload.length : 0));
  new DataView(message.buffer).setUint32(0, json.length, true);
  message.set(json, 4);
  if (payload) message.set(payload, 4 + json.length);
  return message;
}

export function decodeWire(message: Uint8Array): WireMessage {
  if (message.length < 4) throw new Error("wire message too short");
  const view = new DataView(message.buffer, message.byteOffset, message.byteLength);
  const headerLength = view.getUint32(0, true);
  if (4 + headerLength > message.length) throw new Error("wire header length out of range");
  const header = JSON.parse(decodeUtf8(message, 4, 4 + headerLength)) as WireHeader;
  if (typeof header !== "object" || header === null || typeof header.op !== "string") {
    throw new Error("wire header without op");
  }
  return { header, payload: message.subarray(4 + headerLength) };
}
