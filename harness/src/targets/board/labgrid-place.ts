/**
 * A board in a labgrid lab: `"labgrid": { "place": "...", "coordinator": "ws://host:20408/ws" }` in
 * a board profile. Only the documented `labgrid-client` commands are used:
 *   labgrid-client -x <coordinator> -p <place> acquire    before the run
 *   labgrid-client -x <coordinator> -p <place> show       the place's NetworkSerialPort (host,
 *                                                         port, speed): labgrid's exporter serves it
 *                                                         through ser2net as RFC 2217
 *   labgrid-client -x <coordinator> -p <place> release    after the run, on failure and on
 *                                                         SIGINT/SIGTERM (a second signal exits at
 *                                                         once and may leave the place acquired)
 * Debian 12 ships labgrid 0.4.1's modules but not its `labgrid-client` script: without one on PATH,
 * `/usr/bin/python3 -m labgrid.remote.client` is used. Errors are one line naming the place or
 * the coordinator.
 */
import { existsSync } from 'node:fs';

import { HarnessError } from '../../core/errors.ts';
import { findExecutable } from '../../flash/find-executable.ts';
import { runTool, type ToolRun } from '../../flash/run-tool.ts';

export interface LabgridConfig {
  readonly place: string;
  /** the coordinator's WAMP URL (labgrid-client -x); default: labgrid's own (LG_CROSSBAR or ws://127.0.0.1:20408/ws) */
  readonly coordinator?: string;
  /** the client command (argv); default labgrid-client, else /usr/bin/python3 -m labgrid.remote.client */
  readonly client?: readonly string[];
}

/** The place's serial port as its `show` reports it. */
export interface PlaceSerial {
  readonly host: string;
  readonly port: number;
  readonly speed: number | null;
  readonly url: string;
}

/** What an acquired place gives the run: its serial port, and how to power-cycle it if it can. */
export interface AcquiredPlace extends PlaceSerial {
  /** `labgrid-client ... power cycle`, when the place has a power resource; else null. */
  readonly powerCycle: readonly string[] | null;
}

const POWER_RESOURCE = /'cls': '(NetworkPowerPort|PDUDaemonPort|NetworkUSBPowerPort|NetworkSiSPMPowerPort|TasmotaPowerPort)'/;

const TIMEOUT_MS = 30_000;

/** The NetworkSerialPort of an acquired place from `labgrid-client show` output (Python reprs). Pure. */
export function parsePlaceSerial(show: string): PlaceSerial | null {
  const at = show.search(/'cls': 'NetworkSerialPort'/);
  if (at < 0) return null;
  // the resource's block: its indented lines, up to the next line that starts a new entry
  const rest = show.slice(at);
  const end = rest.search(/\n(?=\S)/);
  const block = end < 0 ? rest : rest.slice(0, end);
  const host = /'host': '([^']+)'/.exec(block)?.[1];
  const port = Number(/'port': (\d+)/.exec(block)?.[1]);
  const speed = /'speed': (\d+)/.exec(block)?.[1];
  const protocol = /'protocol': '([^']+)'/.exec(block)?.[1] ?? 'rfc2217';
  if (!host || !(port > 0)) return null;
  const scheme = protocol === 'raw' ? 'tcp' : 'rfc2217';
  return { host, port, speed: speed ? Number(speed) : null, url: `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}` };
}

export class LabgridPlace {
  private acquired = false;
  private readonly base: string[];

  constructor(readonly config: LabgridConfig) {
    const client = config.client?.length ? [...config.client] : defaultClient();
    this.base = [...client, ...(config.coordinator ? ['-x', config.coordinator] : []), '-p', config.place];
  }

  get description(): string {
    return `labgrid place ${this.config.place}${this.config.coordinator ? ` (${this.config.coordinator})` : ''}`;
  }

  /** Acquire the place and read its serial port; releases again when the port cannot be read. */
  async acquire(signal?: AbortSignal): Promise<AcquiredPlace> {
    const a = await this.run('acquire', signal);
    if (a.code !== 0) throw this.error('acquire', a);
    this.acquired = true;
    try {
      const s = await this.run('show', signal);
      if (s.code !== 0) throw this.error('show', s);
      const text = s.output.join('\n');
      const serial = parsePlaceSerial(text);
      if (!serial) throw new HarnessError('TARGET', `${this.description}: its resources have no NetworkSerialPort with a host and port (is the exporter's serial port available?)`, { target: this.config.place });
      return { ...serial, powerCycle: POWER_RESOURCE.test(text) ? [...this.base, 'power', 'cycle'] : null };
    } catch (e) {
      await this.release();
      throw e;
    }
  }

  /** Release the place if this run acquired it. Never throws; says whether it worked. */
  async release(): Promise<boolean> {
    if (!this.acquired) return true;
    const r = await this.run('release');
    this.acquired = r.code !== 0;
    return r.code === 0;
  }

  private run(command: string, signal?: AbortSignal): Promise<ToolRun> {
    return runTool({ argv: [...this.base, command], timeoutMs: TIMEOUT_MS, signal });
  }

  private error(command: string, r: ToolRun): HarnessError {
    const text = r.output.join('\n');
    const who = this.description;
    let why: string;
    if (r.spawnError?.code === 'ENOENT') why = `${this.base[0]} not found (install labgrid: apt-get install labgrid, or set labgrid.client)`;
    else if (/already acquired by (\S+)/.exec(text)) why = `it is busy: acquired by ${/already acquired by (\S+)/.exec(text)![1]}`;
    else if (/matches no places|no such place|place .* not found|pattern .* matches/i.test(text)) why = `it does not exist on the coordinator (labgrid-client places lists them)`;
    else if (/Connection refused|Cannot connect|ConnectionRefusedError|Errno 111|could not connect|OSError/i.test(text)) why = `the coordinator ${this.config.coordinator ?? '(default)'} is not reachable`;
    else if (r.timedOut) why = `labgrid-client ${command} did not finish within ${TIMEOUT_MS} ms (is the coordinator up?)`;
    else why = `labgrid-client ${command} failed: ${text.trim().split('\n').slice(-1)[0] ?? `exit ${r.code}`}`;
    return new HarnessError('TARGET', `${who}: ${why}`, { target: this.config.place });
  }
}

function defaultClient(): string[] {
  if (findExecutable('labgrid-client')) return ['labgrid-client'];
  if (existsSync('/usr/bin/python3') && existsSync('/usr/lib/python3/dist-packages/labgrid/remote/client.py')) return ['/usr/bin/python3', '-m', 'labgrid.remote.client'];
  return ['labgrid-client'];
}
