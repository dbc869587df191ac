/**
 * Maker settings seed the OCPP keys they correspond to until the CSMS owns
 * them (first write wins): a key already stored in NVS, or a setting left
 * at its built-in value, is not touched.
 */
import type { KeyValueStore } from "ports/kv";
import type { Logger } from "ports/log";
import type { ConfigurationRegistry } from "ocpp/core/configuration";
import type { ChargerSettings, LoadedSettings } from "boot/settings";

export function seedOcppKeys(config: ConfigurationRegistry, loaded: LoadedSettings, kv: KeyValueStore, log: Logger): void {
  const settings = loaded.settings;
  const seed = (key: string, nvsKey: string, setting: keyof ChargerSettings): void => {
    if (loaded.sources[setting] === "built-in" || kv.get("ocppcfg", nvsKey) !== undefined) return;
    if (!config.setLocal(key, settings[setting] as boolean | number | string)) log.warn(`settings.${setting} could not seed ${key}`);
  };
  seed("FreeCharging", "FreeCharging", "freeCharging");
  seed("FreeChargingIdTag", "FreeChargingTag", "freeChargingIdTag");
  seed("WebSocketPingInterval", "WsPingIntvl", "webSocketPingIntervalS");
}
