/**
 * Board entry (the manifest's `main`): builds the Moddable platform and
 * boots the firmware with the settings provisioned into NVS, falling back
 * to the manifest's `config` defaults.
 */
import config from "mc/config";
import { createModdablePlatform } from "platform/moddable/index";
import { bootFirmware } from "firmware/boot";
import { createBoardFromConfig } from "firmware/board-config";

const platform = createModdablePlatform();
bootFirmware({ platform, board: createBoardFromConfig(config), defaults: config });
