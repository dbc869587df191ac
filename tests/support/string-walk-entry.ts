/**
 * Bundle entry for tests/ocpp/fuzz-findings.test.ts: the text helpers that
 * must not index long strings (XS walks UTF-8 text from its start on every
 * `charAt(i)` / `charCodeAt(i)`), run in a fresh realm whose String methods
 * the test wraps to record the indexes.
 */
import { utf8ByteLength } from "ports/kv";
import { decodeBase64 } from "util/base64";
import { encodeUtf8Into } from "util/utf8";
import { jsonNestingExceeds } from "util/json-depth";

(globalThis as unknown as { textHelpers: unknown }).textHelpers = { utf8ByteLength, decodeBase64, encodeUtf8Into, jsonNestingExceeds };
