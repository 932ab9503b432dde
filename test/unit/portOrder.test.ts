// Select Port marks the port open now (first, "open now"), also a pty the OS does not list.
import { strict as assert } from 'assert';
import { orderPorts } from '../../src/vscode/serial/portOrder';

const ports = [
  { path: '/dev/ttyS0', description: 'built-in' },
  { path: '/dev/ttyUSB0', description: 'CP2102' },
  { path: '/dev/ttyACM0', description: 'ST-Link' },
];

describe('port picker order', () => {
  it('puts the port open now first, marked "open now"', () => {
    const r = orderPorts(ports, { path: '/dev/ttyUSB0', open: true });
    assert.deepEqual(r.map((p) => [p.entry.path, p.mark]), [['/dev/ttyUSB0', 'open now'], ['/dev/ttyS0', undefined], ['/dev/ttyACM0', undefined]]);
  });

  it('a remembered port that is closed is "last used", not "open now"', () => {
    assert.equal(orderPorts(ports, { path: '/dev/ttyACM0', open: false })[0].mark, 'last used');
  });

  it('an open pty the OS does not list is still shown and marked; a closed unlisted one is not invented', () => {
    const r = orderPorts(ports, { path: '/tmp/ttyBENCH', open: true });
    assert.deepEqual([r[0].entry.path, r[0].mark, r.length], ['/tmp/ttyBENCH', 'open now', 4]);
    assert.equal(orderPorts(ports, { path: '/tmp/gone', open: false }).length, 3);
    assert.deepEqual(orderPorts(ports, { open: false }).map((p) => p.entry.path), ports.map((p) => p.path));
  });
});
