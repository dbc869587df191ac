/** Firmware identity reported in BootNotification and on the bench page. */
export const FIRMWARE_VERSION = "0.1.0";
export const CHARGE_POINT_VENDOR = "OpenEVSE-XS";
export const CHARGE_POINT_MODEL = "OXS-1";
