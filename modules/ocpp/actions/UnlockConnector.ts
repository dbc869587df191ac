import { validateUnlockConnectorReq, type UnlockConnectorConf, type UnlockConnectorReq } from "ocpp/generated/ocpp16";
import type { CoreContext } from "./context";

/**
 * Stops a transaction on the connector first (reason UnlockCommand), then
 * unlocks; unknown connector or fixed cable → NotSupported [ERR 3.85; OCTT
 * TC_017, 018, 030, 031]. A fixed cable has nothing to unlock, so a running
 * transaction goes on (OCTT TC_018_2).
 */
export function registerUnlockConnector(ctx: CoreContext): void {
  ctx.engine.registerAction<UnlockConnectorReq, UnlockConnectorConf>("UnlockConnector", validateUnlockConnectorReq, async (req) => {
    const connector = ctx.hardware.connectors[req.connectorId - 1];
    if (!connector || req.connectorId < 1) return { status: "NotSupported" };
    if (connector.fixedCable) return { status: "NotSupported" };
    ctx.transactions.stop(req.connectorId, "UnlockCommand");
    return { status: await connector.unlock() };
  });
}
