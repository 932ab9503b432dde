// How a device logs in to Alibaba IoT Platform over MQTT with its device secret (the Link SDK's
// "one device, one secret" scheme): clientId `<id>|securemode=3,signmethod=hmacsha256,timestamp=<ms>|`
// (securemode 3 = plain TCP, 2 = TLS), username `<deviceName>&<productKey>`, password
// hex(HMAC-SHA256(deviceSecret, "clientId<id>deviceName<dn>productKey<pk>timestamp<ms>")). The
// board's agent signs with it; the emulator's broker checks it.

import { createHmac, timingSafeEqual } from 'crypto';

export interface AlinkDevice {
  productKey: string;
  deviceName: string;
  deviceSecret: string;
}

export interface MqttLogin {
  clientId: string;
  username: string;
  password: string;
}

const content = (id: string, dn: string, pk: string, ts: string) => `clientId${id}deviceName${dn}productKey${pk}timestamp${ts}`;
const hmac = (secret: string, text: string) => createHmac('sha256', secret).update(text).digest('hex');

export function alinkLogin(d: AlinkDevice, timestamp = String(Date.now()), secureMode = 3): MqttLogin {
  const id = `${d.productKey}.${d.deviceName}`;
  return {
    clientId: `${id}|securemode=${secureMode},signmethod=hmacsha256,timestamp=${timestamp}|`,
    username: `${d.deviceName}&${d.productKey}`,
    password: hmac(d.deviceSecret, content(id, d.deviceName, d.productKey, timestamp)),
  };
}

export type LoginCheck = { ok: true; productKey: string; deviceName: string } | { ok: false; reason: string };

/** Broker side: parses and checks a login; `secretOf` knows each device's secret. */
export function checkAlinkLogin(login: { clientId: string; username?: string; password?: Buffer | string }, secretOf: (productKey: string, deviceName: string) => string | undefined): LoginCheck {
  const m = /^([^|]+)\|([^|]*)\|$/.exec(login.clientId);
  if (!m) return { ok: false, reason: `client id "${login.clientId}" is not <id>|securemode=…,signmethod=…|` };
  const params = Object.fromEntries(m[2].split(',').filter(Boolean).map((kv) => kv.split('=') as [string, string]));
  if (params.signmethod !== 'hmacsha256') return { ok: false, reason: `signmethod ${params.signmethod ?? '(none)'} is not supported here (hmacsha256)` };
  const u = /^([^&]+)&([^&]+)$/.exec(login.username ?? '');
  if (!u) return { ok: false, reason: 'username must be <deviceName>&<productKey>' };
  const [, deviceName, productKey] = u;
  const secret = secretOf(productKey, deviceName);
  if (secret === undefined) return { ok: false, reason: `device ${productKey}/${deviceName} does not exist` };
  const want = Buffer.from(hmac(secret, content(m[1], deviceName, productKey, params.timestamp ?? '')));
  const got = Buffer.from(String(login.password ?? ''));
  if (want.length !== got.length || !timingSafeEqual(want, got)) return { ok: false, reason: 'bad password (HMAC of the device secret)' };
  return { ok: true, productKey, deviceName };
}
