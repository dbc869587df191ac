/**
 * Board entry (the manifest's `main`): builds the Moddable platform and the
 * target (`boot/target`: the ESP32 board description on esp32, the
 * simulated board with its bench link on lin) and boots the firmware with the
 * settings provisioned into NVS over the manifest's `config` defaults.
 */
import config from "mc/config";
import { createModdablePlatform } from "platform/moddable/index";
import { bootFirmware } from "boot/boot";
import { createTargetBoard, startTarget, targetBootObserver, targetPlatform, targetReboot } from "boot/target";
import { FIRMWARE_VERSION } from "boot/version";

const base = createModdablePlatform();
const board = createTargetBoard(config, base.kv);
const platform = targetPlatform(base, config, FIRMWARE_VERSION);
startTarget(bootFirmware({ platform, board, defaults: config, onReboot: targetReboot }, targetBootObserver()));
