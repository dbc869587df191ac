/** Configuration keys of the Reservation profile (OCPP 1.6 §3.3), a constant table for the registry. */
import type { ConfigKeyDefinition } from "ocpp/core/configuration";

export const RESERVATION_KEYS: readonly ConfigKeyDefinition[] = Object.freeze([
  Object.freeze({
    name: "ReserveConnectorZeroSupported",
    nvsKey: "ResvConnZero",
    type: "boolean",
    access: "R",
    default: true,
    volatile: true,
  } as const),
]);
