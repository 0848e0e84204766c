import { expect } from 'chai';

import { HarnessError } from '../core/errors.ts';
import { openRemotePort, parsePortUrl } from './remote-serial-link.ts';

async function connectError(url: string, connectTimeoutMs: number): Promise<HarnessError> {
  const a = parsePortUrl(url)!;
  try {
    const link = await openRemotePort(a, { baudRate: 115200, connectTimeoutMs });
    await link.close();
  } catch (e) {
    expect(e).to.be.instanceOf(HarnessError);
    return e as HarnessError;
  }
  throw new Error(`${url} connected`);
}

describe('remote serial port addresses and connecting', () => {
  it('parses tcp:// and rfc2217:// addresses, IPv6 included, and leaves device paths alone', () => {
    expect(parsePortUrl('tcp://lab-pi-2:5001')).to.deep.include({ scheme: 'tcp', host: 'lab-pi-2', port: 5001 });
    expect(parsePortUrl('RFC2217://[::1]:4000/')).to.deep.include({ scheme: 'rfc2217', host: '::1', port: 4000 });
    expect(parsePortUrl('/dev/ttyACM0')).to.equal(null);
  });

  it('refuses a malformed address naming the key and the expected form', () => {
    expect(() => parsePortUrl('tcp://host', 'targets.bench.port.url')).to.throw(/targets\.bench\.port\.url: "tcp:\/\/host": expected tcp:\/\/host:port with a port from 1 to 65535/);
    expect(() => parsePortUrl('tcp://host:70000')).to.throw(/port from 1 to 65535/);
    expect(() => parsePortUrl('ssh://host:22')).to.throw(/unknown scheme ssh:\/\//);
  });

  it('an unknown host: a TARGET error naming the host, not worth retrying', async () => {
    const e = await connectError('tcp://no-such-host.invalid:5000', 5000);
    expect(e.code).to.equal('TARGET');
    expect(e.message).to.equal('cannot connect to tcp://no-such-host.invalid:5000: host no-such-host.invalid not found');
    expect(e.context.transient).to.equal(false);
  });

  it('an unreachable host (TEST-NET-1): refused, unreachable or no answer within the connect timeout, whichever the network says', async () => {
    const e = await connectError('tcp://192.0.2.1:5000', 1500);
    expect(e.code).to.equal('TARGET');
    expect(e.message).to.match(/^cannot connect to tcp:\/\/192\.0\.2\.1:5000: (connection refused|host unreachable|no answer within 1500 ms \(host unreachable or filtered\))/);
    expect(e.context.port).to.equal('tcp://192.0.2.1:5000');
  });
});
