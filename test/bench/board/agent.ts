// The contract between the virtual board (its serial side, boot, version) and a cloud agent that
// plays the board's OTA client for one cloud (AWS Jobs over MQTT, Huawei $ota events, Alibaba
// /ota/device topics). The board owns the pseudo-terminal; agents only call these.

export type BoardFault = 'bad-signature' | 'download-timeout' | 'crash-on-boot' | 'reject';

export interface BoardHandle {
  /** The firmware version the board runs now (printed in its boot banner). */
  readonly version: string;
  /** Active fault switches (set on the command line, by the serial `fault <name>` command, or by tests). */
  readonly faults: ReadonlySet<BoardFault>;
  /** PEM of the code-signing certificate / public key the board trusts. */
  readonly trustedKeyPem?: string;
  /** Prints a log line on the serial port (with level and ANSI colour, like real firmware). */
  log(level: 'I' | 'W' | 'E' | 'D', tag: string, message: string): void;
  /**
   * Installs `image` as version `newVersion` and "reboots": prints the reset and the boot banner
   * with the new version on serial. Resolves true when the new image booted, false when it crashed
   * on boot (fault 'crash-on-boot'; the board then rolls back to the old version).
   */
  installAndReboot(image: Buffer, newVersion: string): Promise<boolean>;
}

export interface CloudAgent {
  readonly cloud: 'aws' | 'huawei' | 'aliyun';
  start(board: BoardHandle): Promise<void>;
  stop(): Promise<void>;
}

/**
 * What a module under `agents/` exports so the board can load it by name:
 * `main.ts --agent aws:mqttUrl=mqtt://127.0.0.1:1883,thingName=bench-1` calls
 * `createAgent({ mqttUrl, thingName })`. In-process, pass agents to `startBoard({ agents })`.
 */
export interface AgentModule {
  createAgent(options: Record<string, string>): CloudAgent | Promise<CloudAgent>;
}
