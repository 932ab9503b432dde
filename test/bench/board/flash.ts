// A flash tool for the virtual board, used through the "custom command" flash preset:
//   npx tsx test/bench/board/flash.ts --port ${port} --file ${file} [--baud ${baud}] [--version V]
// It prints esptool-like progress ("Writing at 0x… (42 %)") and fails like a real tool when the
// board does not answer ("Failed to connect") or the port cannot be opened.
import { createHash } from 'crypto';
import { readFileSync } from 'fs';
import { SerialPort } from 'serialport';
import { FLASH, imageVersion } from './flashProtocol';

interface Args {
  port?: string;
  file?: string;
  baud: number;
  version?: string;
  timeoutMs: number;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { baud: 115200, timeoutMs: 2000 };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    switch (argv[i]) {
      case '--port': a.port = v; i++; break;
      case '--file': a.file = v; i++; break;
      case '--baud': a.baud = Number(v); i++; break;
      case '--version': a.version = v; i++; break;
      case '--timeout': a.timeoutMs = Number(v); i++; break;
      default: throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  return a;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (!args.port || !args.file) {
    console.error('usage: flash.ts --port PORT --file IMAGE [--baud N] [--version V]');
    return 2;
  }
  let image: Buffer;
  try {
    image = readFileSync(args.file);
  } catch (e) {
    console.error(`A fatal error occurred: cannot read ${args.file}: ${(e as Error).message}`);
    return 2;
  }
  const version = args.version ?? imageVersion(image) ?? 'unknown';
  const sha256 = createHash('sha256').update(image).digest('hex');
  console.log(`bench-flash v1.0 · port ${args.port} · ${args.baud} baud`);
  console.log(`Image ${args.file}: ${image.length} bytes, version ${version}, sha256 ${sha256}`);

  const port = new SerialPort({ path: args.port, baudRate: args.baud, autoOpen: false });
  try {
    await new Promise<void>((res, rej) => port.open((e) => (e ? rej(e) : res())));
  } catch (e) {
    console.error(`A fatal error occurred: could not open port ${args.port}: ${(e as Error).message}`);
    return 2;
  }
  let inbox = '';
  const waiters: { match: (l: string) => boolean; resolve: (l: string) => void }[] = [];
  port.on('data', (d: Buffer) => {
    inbox += d.toString('latin1');
    let i: number;
    while ((i = inbox.indexOf('\n')) >= 0) {
      const line = inbox.slice(0, i).replace(/\r$/, '');
      inbox = inbox.slice(i + 1);
      const w = waiters.findIndex((x) => x.match(line));
      if (w >= 0) waiters.splice(w, 1)[0].resolve(line);
    }
  });
  const expect = (match: (l: string) => boolean, ms: number) =>
    new Promise<string | undefined>((resolve) => {
      const entry = { match, resolve: (l: string) => (clearTimeout(t), resolve(l)) };
      const t = setTimeout(() => {
        waiters.splice(waiters.indexOf(entry), 1);
        resolve(undefined);
      }, ms);
      waiters.push(entry);
    });
  const send = (s: string) => new Promise<void>((res, rej) => port.write(s + '\n', (e) => (e ? rej(e) : port.drain(() => res()))));
  const close = () => new Promise<void>((r) => (port.isOpen ? port.close(() => r()) : r()));

  try {
    process.stdout.write('Connecting...');
    let ready: string | undefined;
    for (let attempt = 0; attempt < 3 && !ready; attempt++) {
      process.stdout.write('.');
      const wait = expect((l) => l.startsWith(FLASH.ready) || l.startsWith(FLASH.err), args.timeoutMs / 3);
      await send(`flash begin ${image.length} ${sha256} ${version}`);
      ready = await wait;
    }
    process.stdout.write('\n');
    if (!ready || ready.startsWith(FLASH.err)) {
      console.error(`A fatal error occurred: Failed to connect to the bench board: ${ready ?? 'no answer to "flash begin"'}`);
      return 2;
    }
    const chunk = Number(ready.split(' ')[2]) || FLASH.chunkBytes;
    let lastPct = -1;
    for (let off = 0; off < image.length; off += chunk) {
      const next = Math.min(image.length, off + chunk);
      const ack = expect((l) => l.startsWith(FLASH.ack) || l.startsWith(FLASH.err), 5000);
      await send(`${FLASH.data} ${off} ${image.subarray(off, next).toString('base64')}`);
      const got = await ack;
      if (!got || got !== `${FLASH.ack} ${next}`) {
        console.error(`A fatal error occurred: write failed at 0x${off.toString(16).padStart(8, '0')}: ${got ?? 'timed out waiting for the board'}`);
        return 2;
      }
      const pct = Math.floor((next * 100) / image.length);
      if (pct !== lastPct && (pct % 5 === 0 || next === image.length)) {
        console.log(`Writing at 0x${off.toString(16).padStart(8, '0')}... (${pct} %)`);
        lastPct = pct;
      }
    }
    const done = expect((l) => l.startsWith(FLASH.ok) || l.startsWith(FLASH.err), 10_000);
    await send('flash end');
    const result = await done;
    if (!result?.startsWith(FLASH.ok)) {
      console.error(`A fatal error occurred: ${result ?? 'no answer to "flash end"'}`);
      return 2;
    }
    console.log(`Wrote ${image.length} bytes. Hash of data verified.`);
    console.log(`Leaving... board reboots into ${result.slice(FLASH.ok.length + 1)}`);
    return 0;
  } finally {
    await close();
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`A fatal error occurred: ${(e as Error).message}`);
    process.exit(2);
  },
);
