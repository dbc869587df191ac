/**
 * The Core profile's CS-initiated actions, one file each in this folder,
 * registered with the charge point's one CoreContext. (What the charge point
 * sends has its file here too: BootNotification.ts, StartTransaction.ts, ...)
 */
import type { OcppEngine } from "ocpp/rpc/engine";
import type { CoreContext } from "./context";
import { handleChangeAvailability } from "./ChangeAvailability";
import { handleChangeConfiguration } from "./ChangeConfiguration";
import { handleClearCache } from "./ClearCache";
import { handleDataTransfer } from "./DataTransfer";
import { handleGetConfiguration } from "./GetConfiguration";
import { handleRemoteStartTransaction } from "./RemoteStartTransaction";
import { handleRemoteStopTransaction } from "./RemoteStopTransaction";
import { handleReset } from "./Reset";
import { handleUnlockConnector } from "./UnlockConnector";

export function attachCoreActions(engine: Pick<OcppEngine, "handle">, context: CoreContext): void {
  engine.handle("ChangeAvailability", handleChangeAvailability, context);
  engine.handle("ChangeConfiguration", handleChangeConfiguration, context);
  engine.handle("ClearCache", handleClearCache, context);
  engine.handle("DataTransfer", handleDataTransfer, context);
  engine.handle("GetConfiguration", handleGetConfiguration, context);
  engine.handle("RemoteStartTransaction", handleRemoteStartTransaction, context);
  engine.handle("RemoteStopTransaction", handleRemoteStopTransaction, context);
  engine.handle("Reset", handleReset, context);
  engine.handle("UnlockConnector", handleUnlockConnector, context);
}
