// Checked against $MODDABLE/xs/includes/xs.d.ts (Moddable SDK 8.2.3).
// XS global `trace`: writes its arguments, converted to strings, to the debug console
// (stdout on the lin simulator, xsbug/serial on a device). No newline is added.
// Only for host type checks: an mcconfig build already declares `trace` through the SDK's
// xs.d.ts (manifest_base.json "types"), so do not add this file to a manifest.
declare function trace(...items: (string | number | boolean)[]): void;
