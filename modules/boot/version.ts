/**
 * Firmware identity reported in BootNotification and on the bench page. Wattlight is this
 * firmware's own name; a charger maker provisions their vendor and model (settings
 * `chargePointVendor`, `chargePointModel`), these are only the defaults.
 */
export const FIRMWARE_VERSION = "0.1.0";
export const CHARGE_POINT_VENDOR = "Wattlight";
export const CHARGE_POINT_MODEL = "Wattlight-AC";
