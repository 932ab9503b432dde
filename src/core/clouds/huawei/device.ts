// The IoTDA device side (cloud-apis.md §2.8; HW-DOC-3009 connect, -3028..3031 OTA): MQTT
// credentials, the system topics, the `$ota` service envelope and the upgrade result codes. The
// virtual board and the emulator both use it; the provider uses the result codes to explain a
// failed device.

import { createHmac, timingSafeEqual } from 'crypto';
import { formatIotdaTime } from './wire';

export const OTA_SERVICE = '$ota';

export const downTopic = (deviceId: string) => `$oc/devices/${deviceId}/sys/events/down`;
export const upTopic = (deviceId: string) => `$oc/devices/${deviceId}/sys/events/up`;
/** Topic templates (for topicParams in the emulator kit). */
export const DOWN_TOPIC = '$oc/devices/{device}/sys/events/down';
export const UP_TOPIC = '$oc/devices/{device}/sys/events/up';

export type OtaEventType =
  | 'version_query'
  | 'version_report'
  | 'firmware_upgrade'
  | 'software_upgrade'
  | 'firmware_upgrade_v2'
  | 'software_upgrade_v2'
  | 'upgrade_progress_report';

/** paras of firmware_upgrade(_v2)/software_upgrade(_v2); `_v2` = OBS-associated package, url is OBS. */
export interface UpgradeParas {
  version: string;
  url: string;
  file_size: number;
  file_name?: string;
  access_token?: string;
  expires?: number;
  /** Hex SHA-256 of the package. */
  sign: string;
  custom_info?: string;
  task_id?: string;
  sub_device_count?: number;
  task_ext_info?: Record<string, unknown>;
}

export interface VersionReportParas {
  sw_version?: string;
  fw_version?: string;
}

export interface ProgressParas {
  result_code: number;
  progress?: number;
  version?: string;
  description?: string;
}

export interface OtaService<P = Record<string, unknown>> {
  service_id: string;
  event_type: OtaEventType | string;
  event_time?: string;
  paras: P;
}

export interface OtaEnvelope<P = Record<string, unknown>> {
  object_device_id?: string;
  services: OtaService<P>[];
}

export function otaMessage<P>(deviceId: string, eventType: OtaEventType, paras: P, at = new Date()): OtaEnvelope<P> {
  return { object_device_id: deviceId, services: [{ service_id: OTA_SERVICE, event_type: eventType, event_time: formatIotdaTime(at), paras }] };
}

/** The `$ota` services in a message (ignores anything that is not the envelope). */
export function otaServices(payload: unknown): OtaService[] {
  const services = (payload as OtaEnvelope | undefined)?.services;
  return Array.isArray(services) ? services.filter((s) => s && s.service_id === OTA_SERVICE && typeof s.event_type === 'string' && typeof s.paras === 'object' && s.paras !== null) : [];
}

/** upgrade_progress_report result_code (HW-DOC-3031). */
export const RESULT_CODES: Record<number, string> = {
  0: 'success',
  1: 'device in use',
  2: 'poor signal',
  3: 'already the latest version',
  4: 'low battery',
  5: 'insufficient storage',
  6: 'download timeout',
  7: 'package verification failure',
  8: 'unsupported package type',
  9: 'insufficient memory',
  10: 'install failure',
  255: 'internal exception',
};
export const RESULT = { success: 0, inUse: 1, alreadyLatest: 3, downloadTimeout: 6, verifyFailed: 7, unsupported: 8, installFailed: 10, internal: 255 } as const;

export function resultText(code: number): string {
  return `result_code ${code} (${RESULT_CODES[code] ?? 'unknown code'})`;
}

// --- MQTT CONNECT (HW-DOC-3009): ClientId {device_id}_0_{0|1}_{YYYYMMDDHH}, Username device_id,
// Password hex(HMAC-SHA256(key = YYYYMMDDHH, secret)). Sign type 0: the timestamp is not checked;
// 1: the platform also checks it against its clock.

export function mqttTimestamp(at: Date): string {
  const t = formatIotdaTime(at); // yyyyMMddTHHmmssZ
  return t.slice(0, 8) + t.slice(9, 11);
}

export function mqttPassword(secret: string, timestamp: string): string {
  return createHmac('sha256', timestamp).update(secret).digest('hex');
}

export interface MqttCredentials {
  clientId: string;
  username: string;
  password: string;
}

export function mqttCredentials(deviceId: string, secret: string, at = new Date(), checkTimestamp = false): MqttCredentials {
  const ts = mqttTimestamp(at);
  return { clientId: `${deviceId}_0_${checkTimestamp ? 1 : 0}_${ts}`, username: deviceId, password: mqttPassword(secret, ts) };
}

/**
 * The platform's CONNECT check: undefined when accepted, else why not (CONNACK 4/5). `secretOf`
 * gives a registered device's secret; sign type 1 allows one hour of clock difference.
 */
export function checkMqttConnect(clientId: string, username: string | undefined, password: Buffer | string | undefined, secretOf: (deviceId: string) => string | undefined, now = new Date()): string | undefined {
  const m = /^(.+)_0_([01])_(\d{10})$/.exec(clientId);
  if (!m) return `client id "${clientId}" is not {device_id}_0_{0|1}_{YYYYMMDDHH}`;
  const [, deviceId, signType, ts] = m;
  if (username !== deviceId) return `username must be the device_id ${deviceId}`;
  const secret = secretOf(deviceId);
  if (secret === undefined) return `device ${deviceId} is not registered`;
  if (signType === '1') {
    const at = Date.UTC(+ts.slice(0, 4), +ts.slice(4, 6) - 1, +ts.slice(6, 8), +ts.slice(8, 10));
    if (Math.abs(now.getTime() - at) > 3_600_000) return `timestamp ${ts} is too far from the platform time`;
  }
  const want = Buffer.from(mqttPassword(secret, ts));
  const got = Buffer.from(password === undefined ? '' : password.toString());
  return want.length === got.length && timingSafeEqual(want, got) ? undefined : 'wrong password (HMAC-SHA256 of the secret keyed by the timestamp)';
}
