// Both kit servers listen the same way: loopback only, port 0 = any free port.

import type { Server } from 'net';

/** Listens on 127.0.0.1 and resolves with the port actually bound. */
export async function listenLoopback(server: Server, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  return typeof addr === 'object' && addr ? addr.port : port;
}
