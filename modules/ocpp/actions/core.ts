/** Registers every CS-initiated Core action. (CP-initiated ones are sent by the services.) */
import type { CoreContext } from "./context";
import { registerChangeAvailability } from "./ChangeAvailability";
import { registerChangeConfiguration } from "./ChangeConfiguration";
import { registerClearCache } from "./ClearCache";
import { registerDataTransfer } from "./DataTransfer";
import { registerGetConfiguration } from "./GetConfiguration";
import { registerRemoteStartTransaction } from "./RemoteStartTransaction";
import { registerRemoteStopTransaction } from "./RemoteStopTransaction";
import { registerReset } from "./Reset";
import { registerUnlockConnector } from "./UnlockConnector";

export function registerCoreActions(ctx: CoreContext): void {
  registerChangeAvailability(ctx);
  registerChangeConfiguration(ctx);
  registerClearCache(ctx);
  registerDataTransfer(ctx);
  registerGetConfiguration(ctx);
  registerRemoteStartTransaction(ctx);
  registerRemoteStopTransaction(ctx);
  registerReset(ctx);
  registerUnlockConnector(ctx);
}
