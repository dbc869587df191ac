/** Registers TriggerMessage (Remote Trigger profile) with the OCPP engine. */
import type { OcppEngine } from "ocpp/rpc/engine";
import { createTriggerMessageHandler, validateTriggerRequest } from "./TriggerMessage";
import type { TriggerTargets } from "./types";

export function registerTriggerActions(engine: Pick<OcppEngine, "registerAction">, targets: TriggerTargets): void {
  engine.registerAction("TriggerMessage", validateTriggerRequest, createTriggerMessageHandler(targets));
}
