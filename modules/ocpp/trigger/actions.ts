/** The Remote Trigger profile's one action, TriggerMessage, registered with the trigger targets as its context. */
import type { OcppEngine } from "ocpp/rpc/engine";
import { handleTriggerMessage, validateTriggerRequest } from "./TriggerMessage";
import type { TriggerTargets } from "./types";

export function attachTriggerActions(engine: Pick<OcppEngine, "handle">, targets: TriggerTargets): void {
  engine.handle("TriggerMessage", handleTriggerMessage, targets, validateTriggerRequest);
}
