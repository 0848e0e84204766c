/**
 * Validate a parsed hil.config.json against its JSON Schema (hil-config.schema.json, which editors
 * also use for completion). Errors name the file, the key path, the value and what was expected.
 */
import { createRequire } from 'node:module';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';

import { HarnessError } from '../core/errors.ts';
import type { HilConfigFile } from './config-types.ts';

const require = createRequire(import.meta.url);
const schema = require('./hil-config.schema.json') as object;

// compiled on first use: compiling takes longer than starting the CLI, and `--help` needs none
let compiled: ValidateFunction | null = null;
const validator = (): ValidateFunction => (compiled ??= new Ajv2020({ allErrors: true, strict: false, verbose: true }).compile(schema));

function keyPath(instancePath: string): string {
  if (instancePath === '') return '(top level)';
  return instancePath
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`))
    .join('');
}

function valueAt(data: unknown, instancePath: string): unknown {
  let v: unknown = data;
  for (const raw of instancePath.split('/').slice(1)) {
    const k = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  }
  return v;
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** One error as `key.path: what is wrong, expected what`. */
export function describeSchemaError(e: ErrorObject, data: unknown): string {
  const p = e.params as Record<string, unknown>;
  const at = keyPath(e.instancePath);
  const value = show(valueAt(data, e.instancePath));
  switch (e.keyword) {
    case 'additionalProperties': {
      const parent = e.parentSchema as { properties?: Record<string, unknown> } | undefined;
      const known = parent?.properties ? Object.keys(parent.properties).join(', ') : '';
      const where = e.instancePath === '' ? '' : `${at}.`;
      return `${where}${String(p.additionalProperty)}: unknown key${known ? ` (expected one of ${known})` : ''}`;
    }
    case 'required':
      return `${at}: missing required key "${String(p.missingProperty)}"`;
    case 'enum':
      return `${at}: ${value} is not one of ${(p.allowedValues as unknown[]).map((v) => String(v)).join(', ')}`;
    case 'type':
      return `${at}: ${value} is not ${p.type === 'integer' ? 'an integer' : p.type === 'object' || p.type === 'array' ? `an ${String(p.type)}` : `a ${String(p.type)}`}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `${at}: ${value} is out of range, expected a value ${String(p.comparison)} ${String(p.limit)}`;
    case 'pattern':
      return `${at}: ${value} does not match ${String(p.pattern)}`;
    default:
      return `${at}: ${value} ${e.message ?? 'is invalid'}`;
  }
}

/** Validate; throw HarnessError('CONFIG') listing every problem, first one in the headline. */
export function validateConfig(data: unknown, file: string): HilConfigFile {
  const validate = validator();
  if (validate(data)) return data as HilConfigFile;
  const errors = (validate.errors ?? []).filter((e) => e.keyword !== 'if');
  const lines = [...new Set(errors.map((e) => describeSchemaError(e, data)))];
  const first = lines[0] ?? 'invalid configuration';
  const more = lines.length > 1 ? ` (and ${lines.length - 1} more: ${lines.slice(1).join('; ')})` : '';
  throw new HarnessError('CONFIG', `${file}: ${first}${more}`, { file, key: first.split(':')[0] });
}
