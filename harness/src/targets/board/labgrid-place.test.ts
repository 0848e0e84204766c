import { expect } from 'chai';

import { parsePlaceSerial } from './labgrid-place.ts';

// `labgrid-client -p bench-1 show` of labgrid 0.4.1, a place with a power port listed before its serial port
const SHOW = `Place 'bench-1':
  matches:
    lab-pi/bench/*
  acquired: vm/root
Acquired resource 'NetworkPowerPort' (lab-pi/bench/NetworkPowerPort/NetworkPowerPort):
  {'acquired': 'bench-1',
   'avail': True,
   'cls': 'NetworkPowerPort',
   'params': {'host': 'http://127.0.0.1:8080/relay/{index}/{value}',
              'index': 0,
              'model': 'simplerest'}}
Acquired resource 'RawSerialPort' (lab-pi/bench/NetworkSerialPort/RawSerialPort):
  {'acquired': 'bench-1',
   'avail': True,
   'cls': 'NetworkSerialPort',
   'params': {'extra': {'path': '/dev/pts/3', 'proxy': 'localhost', 'proxy_required': False},
              'host': '127.0.0.1',
              'port': 55677,
              'speed': 115200}}
`;

describe('labgrid place show parsing', () => {
  it('reads host, port and speed of the NetworkSerialPort, not of another resource of the place', () => {
    expect(parsePlaceSerial(SHOW)).to.deep.equal({ host: '127.0.0.1', port: 55677, speed: 115200, url: 'rfc2217://127.0.0.1:55677' });
    expect(parsePlaceSerial(SHOW.replace("'speed': 115200}}", "'speed': 115200, 'protocol': 'raw'}}"))!.url).to.equal('tcp://127.0.0.1:55677');
  });

  it('is null without a serial port, or while the exporter has not given it a port', () => {
    expect(parsePlaceSerial(SHOW.slice(0, SHOW.indexOf("Acquired resource 'RawSerialPort'")))).to.equal(null);
    expect(parsePlaceSerial(SHOW.replace("'port': 55677", "'port': None"))).to.equal(null);
  });
});
