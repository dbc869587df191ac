/**
 * Board entry (the manifest's `main`): builds the Moddable platform and the
 * target's board (`firmware/target`: the ESP32 board description on esp32,
 * the simulated board on lin) and boots the firmware with the settings
 * provisioned into NVS over the manifest's `config` defaults.
 */
import config from "mc/config";
import { createModdablePlatform } from "platform/moddable/index";
import { bootFirmware } from "firmware/boot";
import { createTargetBoard } from "firmware/target";

const platform = createModdablePlatform();
bootFirmware({ platform, board: createTargetBoard(config, platform.kv), defaults: config });
