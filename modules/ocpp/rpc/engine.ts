/**
 * The OCPP-J RPC engine: one outstanding CALL per direction [J 4.1.1],
 * unique ids, response time-out, inbound validation by the generated schema
 * validators, CALLERROR mapping, and the typed action registry the profiles
 * use: `handle` for what the CSMS calls, `call` for what the charge point
 * sends, both keyed by the generated `Ocpp16Actions` map. It knows nothing
 * of sockets: the connection service hands it a sender and feeds it
 * received text.
 *
 * Nothing is handled or sent on the stack that brought it: received frames
 * wait in an inbox, answers, CALLERRORs and calls in order in an outbox, and
 * a promise job empties both from the host's loop, where the stack is
 * shallow. On the board the XS stack is 512 slots; working in place stacked
 * the socket's (TLS) read path, the handler, the frame log's flash write and
 * its compressor on one another (issue 9: 574 slots over wss).
 */
import type { Timers, TimerHandle } from "ports/timers";
import { Logger } from "ports/log";
import { utf8ByteLength } from "ports/kv";
import { OCPP16_VALIDATORS, type Ocpp16Actions } from "ocpp/generated/ocpp16";
import type { SchemaViolation } from "./schema-runtime";
import {
  CallErrorResponse,
  CallTimeoutError,
  ConnectionLostError,
  InvalidResponseError,
  OcppCallError,
  callFrame,
  callIdOfText,
  errorFrame,
  parseFrame,
  resultFrame,
  type CallErrorCode,
} from "./frame";

export type RequestValidator = (value: unknown) => SchemaViolation | undefined;

/** What a handler may do besides answering. */
export interface HandlerContext {
  /** Runs `fn` right after the CALLRESULT was sent (Reset, reconnect after AuthorizationKey, TriggerMessage). */
  afterReply(fn: () => void): void;
}

/** An OCPP 1.6 action by name (the generated map's keys). */
export type OcppAction = keyof Ocpp16Actions;
export type ActionRequest<A extends OcppAction> = Ocpp16Actions[A]["request"];
export type ActionResponse<A extends OcppAction> = Ocpp16Actions[A]["response"];

/**
 * The handler of a CS-initiated action: a module-level function (one per
 * action file, `ocpp/<profile>/<Action>.ts`) that gets the validated request,
 * the one context object its profile registered it with, and what it may do
 * besides answering.
 */
export type ActionHandler<A extends OcppAction, C> = (
  request: ActionRequest<A>,
  context: C,
  call: HandlerContext,
) => ActionResponse<A> | Promise<ActionResponse<A>>;

/** A handler as the registry keeps it: request and context types erased (checked by `handle`). */
type StoredHandler = (request: unknown, context: unknown, call: HandlerContext) => unknown;

/** Optional frame log (modules/ocpp/framelog): sees every frame in and out. */
export interface FrameRecorder {
  record(direction: "in" | "out", action: string, frame: string): void;
}

export interface CallOptions {
  /** Fail at once with ConnectionLostError instead of waiting while offline. */
  failWhenOffline?: boolean;
  /** Goes before queued ordinary calls (transaction messages, BootNotification). */
  priority?: boolean;
  /** Allowed before BootNotification was accepted (BootNotification itself, triggered messages). */
  beforeAccepted?: boolean;
}

export interface EngineOptions {
  timers: Timers;
  log: Logger;
  /** Seconds before an unanswered CALL times out (MessageTimeout). */
  messageTimeoutS: () => number;
  /** Frames longer than this many UTF-8 bytes are refused. */
  maxFrameBytes?: number;
  frameLog?: FrameRecorder;
  /** Random source for the boot nonce of message ids. */
  random?: () => number;
  /** Boot counter mixed into call ids: a PRNG with a fixed seed (the lin simulator) must not repeat ids across reboots. */
  bootNumber?: number;
  /** Most calls waiting while offline; the oldest is failed beyond it. */
  maxQueuedCalls?: number;
}

interface PendingCall {
  id: string;
  action: string;
  payload: unknown;
  options: CallOptions;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024;

const hasOwn = Object.prototype.hasOwnProperty;

/** The schema validators of an OCPP 1.6 action; not Object.prototype's members ("constructor", "__proto__"). */
function validatorsOf(action: string): (typeof OCPP16_VALIDATORS)[string] | undefined {
  return hasOwn.call(OCPP16_VALIDATORS, action) ? OCPP16_VALIDATORS[action] : undefined;
}

export class OcppEngine {
  readonly #timers: Timers;
  readonly #log: Logger;
  readonly #opts: EngineOptions;
  // The action registry: parallel arrays, one entry per registered action, found by a scan of the
  // names (about 30 actions). No Map, no object per action: on the board each would stay in the
  // heap from boot on (docs/memory.md).
  readonly #actionNames: string[] = [];
  readonly #actionHandlers: StoredHandler[] = [];
  readonly #actionContexts: unknown[] = [];
  /** Request validators that replace the generated one (TriggerMessage's), by action name: rare. */
  readonly #customValidatorActions: string[] = [];
  readonly #customValidators: RequestValidator[] = [];
  readonly #queue: PendingCall[] = [];
  readonly #inboundInProgress = new Set<string>();
  #send: ((text: string) => boolean) | undefined;
  #outstanding: PendingCall | undefined;
  #timeout: TimerHandle | undefined;
  #nonce: string;
  #counter = 0;
  /** Registration state gates: outbound ordinary calls and inbound calls. */
  #accepted = false;
  #answerInbound = true;
  #activityListeners: Array<() => void> = [];
  /** Received frames not handled yet, in order. */
  readonly #inbox: string[] = [];
  // The outbox: answers and CALLERRORs waiting to go out, in order (parallel arrays: text, action
  // for the frame log, what to run once it is sent), and whether a job to empty both is queued.
  readonly #outboxTexts: string[] = [];
  readonly #outboxActions: string[] = [];
  readonly #outboxAfter: Array<Array<() => void> | undefined> = [];
  #flushQueued = false;
  readonly #flushBound = (): void => this.#flush();

  constructor(options: EngineOptions) {
    this.#opts = options;
    this.#timers = options.timers;
    this.#log = options.log;
    const random = options.random ?? Math.random;
    const boot = options.bootNumber === undefined ? "" : `${options.bootNumber.toString(36)}-`;
    this.#nonce = boot + Math.floor(random() * 0x7fffffff).toString(36);
  }

  /**
   * Registers the handler of a CS-initiated action with its profile's
   * context. Requests are checked by the action's generated schema validator
   * (OCPP16_VALIDATORS), or by `validateRequest` when the profile has its own
   * (TriggerMessage lets an unknown requestedMessage through). A second
   * handler for the same action throws (at boot): two profiles answering one
   * action would silently replace each other (issue 10: ClearCache was
   * registered twice).
   */
  handle<A extends OcppAction, C>(action: A, handler: ActionHandler<A, C>, context: C, validateRequest?: RequestValidator): void {
    if (this.#actionNames.indexOf(action) >= 0) throw new Error(`OCPP action ${action} has a handler already: register each action once`);
    if (!validatorsOf(action)) throw new Error(`${action} is not an OCPP 1.6 action`);
    this.#actionNames.push(action);
    // The registry's one cast: `handle` checked that handler, request type and context agree; the
    // arrays keep every handler alike and `#handleCall` passes back the context registered with it.
    this.#actionHandlers.push(handler as unknown as StoredHandler);
    this.#actionContexts.push(context);
    if (validateRequest) {
      this.#customValidatorActions.push(action);
      this.#customValidators.push(validateRequest);
    }
  }

  hasAction(action: string): boolean {
    return this.#actionNames.indexOf(action) >= 0;
  }

  /** The actions with a handler, in the order they were registered (a copy). */
  registeredActions(): string[] {
    return this.#actionNames.slice();
  }

  get online(): boolean {
    return this.#send !== undefined;
  }

  /** True once BootNotification was accepted (ordinary calls flow). */
  get accepted(): boolean {
    return this.#accepted;
  }

  setAccepted(accepted: boolean): void {
    this.#accepted = accepted;
    this.#queueFlush();
  }

  /** False while BootNotification is Rejected: CS calls get no answer [SPEC 4.2]. */
  setAnswerInbound(answer: boolean): void {
    this.#answerInbound = answer;
  }

  /** Called on every frame sent or received (Heartbeat idle timing). */
  onActivity(listener: () => void): void {
    this.#activityListeners.push(listener);
  }

  /**
   * Sends a CALL and resolves with the response payload once it passed the
   * response schema; rejects with CallErrorResponse, CallTimeoutError,
   * ConnectionLostError or InvalidResponseError.
   */
  call<A extends OcppAction>(action: A, payload: ActionRequest<A>, options: CallOptions = {}): Promise<ActionResponse<A>> {
    return new Promise<ActionResponse<A>>((resolve, reject) => {
      if (options.failWhenOffline && !this.online) {
        reject(new ConnectionLostError(action));
        return;
      }
      const pending: PendingCall = {
        id: "",
        action,
        payload,
        options,
        resolve: resolve as (value: unknown) => void,
        reject,
      };
      if (options.priority) {
        let at = 0;
        while (at < this.#queue.length && this.#queue[at].options.priority) at++;
        this.#queue.splice(at, 0, pending);
      } else this.#queue.push(pending);
      const max = this.#opts.maxQueuedCalls ?? 32;
      if (this.#queue.length > max) {
        const dropped = this.#queue.splice(
          this.#queue.findIndex((c) => !c.options.priority),
          1,
        )[0];
        if (dropped) dropped.reject(new ConnectionLostError(dropped.action));
      }
      this.#queueFlush();
    });
  }

  /** The connection is open: frames go out through `send`. */
  connected(send: (text: string) => boolean): void {
    this.#send = send;
    this.#queueFlush();
  }

  /** The connection is gone: the outstanding CALL fails, queued calls wait (or fail if asked). */
  disconnected(): void {
    this.#send = undefined;
    this.#inboundInProgress.clear();
    const outstanding = this.#outstanding;
    this.#clearOutstanding();
    if (outstanding) outstanding.reject(new ConnectionLostError(outstanding.action));
    for (let i = this.#queue.length - 1; i >= 0; i--) {
      const pending = this.#queue[i];
      if (pending.options.failWhenOffline) {
        this.#queue.splice(i, 1);
        pending.reject(new ConnectionLostError(pending.action));
      }
    }
  }

  /** Takes one received text frame; it is handled from a promise job (see the top). */
  receive(text: string): void {
    this.#touch();
    this.#inbox.push(text);
    this.#queueFlush();
  }

  #handleFrame(text: string): void {
    const maxBytes = this.#opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    if (text.length > maxBytes || utf8ByteLength(text) > maxBytes) {
      const id = callIdOfText(text);
      this.#log.warn(`refused a frame of ${text.length} characters`);
      this.#record("in", "", text.slice(0, 256));
      if (id !== undefined) this.#sendError(id, "", "FormationViolation", `frame larger than ${maxBytes} bytes`);
      return;
    }
    const frame = parseFrame(text);
    switch (frame.kind) {
      case "ignore":
        this.#record("in", "", text);
        return;
      case "bad":
        this.#record("in", "", text);
        this.#log.warn(`bad frame: ${frame.message}`);
        if (frame.id !== undefined) this.#sendError(frame.id, "", frame.code, frame.message);
        return;
      case "call":
        this.#record("in", frame.action, text);
        this.#handleCall(frame.id, frame.action, frame.payload);
        return;
      case "result":
      case "error": {
        const pending = this.#outstanding;
        if (!pending || pending.id !== frame.id) {
          this.#record("in", "", text);
          this.#log.warn(`answer to unknown call ${frame.id}`);
          return; // never answer a CALLRESULT/CALLERROR [J 4.2]
        }
        this.#record("in", pending.action, text);
        this.#clearOutstanding();
        if (frame.kind === "error") {
          pending.reject(new CallErrorResponse(pending.action, frame.code, frame.description, frame.details));
        } else {
          const validators = validatorsOf(pending.action);
          const violation = validators ? validators.response(frame.payload) : undefined;
          if (violation) pending.reject(new InvalidResponseError(pending.action, `${violation.path} ${violation.message}`));
          else pending.resolve(frame.payload);
        }
        this.#queueFlush();
        return;
      }
    }
  }

  #handleCall(id: string, action: string, payload: unknown): void {
    if (!this.#answerInbound) return;
    if (this.#inboundInProgress.has(id)) {
      this.#sendError(id, action, "GenericError", "a call with this id is still being processed");
      return;
    }
    const index = this.#actionNames.indexOf(action);
    const validators = index < 0 ? undefined : validatorsOf(action);
    if (!validators) {
      if (validatorsOf(action)) this.#sendError(id, action, "NotSupported", `${action} is not supported`);
      else this.#sendError(id, action, "NotImplemented", `${action} is not implemented`);
      return;
    }
    const custom = this.#customValidatorActions.indexOf(action);
    const violation = custom < 0 ? validators.request(payload) : this.#customValidators[custom](payload);
    if (violation) {
      this.#sendError(id, action, violation.code, `${violation.path || "payload"}: ${violation.message}`);
      return;
    }
    const after: Array<() => void> = [];
    const call: HandlerContext = { afterReply: (fn) => void after.push(fn) };
    let result: unknown;
    try {
      result = this.#actionHandlers[index](payload, this.#actionContexts[index], call);
    } catch (error) {
      this.#replyFailure(id, action, error);
      return;
    }
    if (result instanceof Promise) {
      this.#inboundInProgress.add(id);
      result.then(
        (value) => {
          if (!this.#inboundInProgress.delete(id)) return; // connection dropped meanwhile
          this.#reply(id, action, value, after);
        },
        (error) => {
          if (!this.#inboundInProgress.delete(id)) return;
          this.#replyFailure(id, action, error);
        },
      );
    } else this.#reply(id, action, result, after);
  }

  #reply(id: string, action: string, response: unknown, after: Array<() => void>): void {
    const validators = validatorsOf(action);
    const violation = validators ? validators.response(response) : undefined;
    if (violation) {
      this.#log.error(`our ${action} response breaks its schema at ${violation.path}: ${violation.message}`);
      this.#sendError(id, action, "InternalError", "response could not be built");
      return;
    }
    this.#enqueue(resultFrame(id, response), action, after.length > 0 ? after : undefined);
  }

  #replyFailure(id: string, action: string, error: unknown): void {
    if (error instanceof OcppCallError) {
      this.#sendError(id, action, error.code, error.message, error.details);
      return;
    }
    this.#log.error(`${action} handler failed: ${error instanceof Error ? error.message : String(error)}`);
    this.#sendError(id, action, "InternalError", "handler failed");
  }

  #sendError(id: string, action: string, code: CallErrorCode, description: string, details?: Record<string, unknown>): void {
    this.#enqueue(errorFrame(id, code, description, details), action, undefined);
  }

  /** An answer or CALLERROR to send (in order, before the next call), then `after` to run. */
  #enqueue(text: string, action: string, after: Array<() => void> | undefined): void {
    this.#outboxTexts.push(text);
    this.#outboxActions.push(action);
    this.#outboxAfter.push(after);
    this.#queueFlush();
  }

  #queueFlush(): void {
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    void Promise.resolve().then(this.#flushBound);
  }

  /**
   * Runs as a promise job: handles the received frames in order, sends the waiting answers in
   * order, each one's `afterReply` work right after it (a Reset only once its CALLRESULT is out),
   * then the next call if none is outstanding. Offline, answers are dropped (the CSMS's call died
   * with the connection) and their work still runs.
   */
  #flush(): void {
    this.#flushQueued = false;
    while (this.#inbox.length > 0) {
      try {
        this.#handleFrame(this.#inbox.shift()!);
      } catch (error) {
        // Never leave the rest waiting: a frame that breaks its handling is logged and dropped.
        this.#log.error(`received frame: ${String(error)}`);
      }
    }
    while (this.#outboxTexts.length > 0) {
      const text = this.#outboxTexts.shift()!;
      const action = this.#outboxActions.shift()!;
      const after = this.#outboxAfter.shift();
      this.#transmit(text, action);
      if (after)
        for (const fn of after) {
          try {
            fn();
          } catch (error) {
            this.#log.error(`after ${action}: ${String(error)}`);
          }
        }
    }
    this.#pump();
  }

  #transmit(text: string, action: string): boolean {
    this.#record("out", action, text);
    const sent = this.#send ? this.#send(text) : false;
    if (sent) this.#touch();
    return sent;
  }

  #pump(): void {
    if (this.#outstanding || !this.#send) return;
    const index = this.#queue.findIndex((c) => this.#accepted || c.options.beforeAccepted === true);
    if (index < 0) return;
    const pending = this.#queue.splice(index, 1)[0];
    pending.id = `${this.#nonce}.${++this.#counter}`;
    let text: string;
    try {
      text = callFrame(pending.id, pending.action, pending.payload);
    } catch (error) {
      pending.reject(error instanceof Error ? error : new Error(String(error)));
      this.#pump();
      return;
    }
    this.#outstanding = pending;
    this.#timeout = this.#timers.once(() => this.#timedOut(pending), Math.max(1, this.#opts.messageTimeoutS()) * 1000);
    if (!this.#transmit(text, pending.action)) {
      this.#clearOutstanding();
      pending.reject(new ConnectionLostError(pending.action));
    }
  }

  #timedOut(pending: PendingCall): void {
    if (this.#outstanding !== pending) return;
    this.#timeout = undefined;
    this.#outstanding = undefined;
    this.#log.warn(`${pending.action} ${pending.id} timed out`);
    pending.reject(new CallTimeoutError(pending.action));
    this.#queueFlush();
  }

  #clearOutstanding(): void {
    if (this.#timeout !== undefined) this.#timers.clear(this.#timeout);
    this.#timeout = undefined;
    this.#outstanding = undefined;
  }

  #touch(): void {
    for (const listener of this.#activityListeners) listener();
  }

  #record(direction: "in" | "out", action: string, frame: string): void {
    const log = this.#opts.frameLog;
    if (!log) return;
    try {
      log.record(direction, action, frame);
    } catch (error) {
      this.#log.warn(`frame log: ${String(error)}`);
    }
  }
}
