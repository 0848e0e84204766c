/**
 * The interactive prompt's command language (`hil tune --interactive`). Pure: parsing and help.
 *
 *   set NAME VALUE          set a parameter on the device (real units, e.g. set input_gain_db 6)
 *   get NAME                read a parameter back
 *   params                  every parameter: value, range, unit, default
 *   play CASE               stream a case (suite/name or a WAV path) with the current settings, print its levels
 *   ab CASE A B             play CASE with setting A, then B (NAME=V,NAME=V), levels side by side
 *   reset                   reset the model's streaming state
 *   info                    device identity
 *   help                    this list
 *   quit                    leave (also: exit, Ctrl-D)
 */
import type { Setting } from './sweep-spec.ts';

export type ReplCommand =
  | { readonly kind: 'set'; readonly name: string; readonly value: number }
  | { readonly kind: 'get'; readonly name: string }
  | { readonly kind: 'params' }
  | { readonly kind: 'play'; readonly caseSpec: string }
  | { readonly kind: 'ab'; readonly caseSpec: string; readonly a: Setting; readonly b: Setting }
  | { readonly kind: 'reset' }
  | { readonly kind: 'info' }
  | { readonly kind: 'help' }
  | { readonly kind: 'quit' }
  | { readonly kind: 'empty' };

export type ParseResult = { readonly ok: true; readonly command: ReplCommand } | { readonly ok: false; readonly error: string };

export const REPL_HELP = [
  'commands:',
  '  set NAME VALUE     set a parameter on the device, e.g. set input_gain_db 6',
  '  get NAME           read a parameter back',
  '  params             every parameter with its value, range and default',
  '  play CASE          stream CASE (suite/name or a .wav path) with the current settings; print levels',
  '  ab CASE A B        play CASE with settings A then B, levels side by side;',
  '                     A and B are NAME=VALUE[,NAME=VALUE...], e.g. ab speech/clean-en-us-m input_gain_db=0 input_gain_db=6',
  '  reset              reset the model state (parameters are kept)',
  '  info               device identity',
  '  help               this list',
  '  quit               leave (also exit or Ctrl-D)',
].join('\n');

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

const usage = (error: string): ParseResult => ({ ok: false, error });
const ok = (command: ReplCommand): ParseResult => ({ ok: true, command });

/** Parse "NAME=V,NAME=V" (a setting for `ab`). */
export function parseSetting(text: string): Setting | string {
  const out: Record<string, number> = {};
  for (const part of text.split(',')) {
    const m = /^([^=]+)=(.+)$/.exec(part.trim());
    if (!m || !NAME.test(m[1]!.trim()) || !NUMBER.test(m[2]!.trim())) return `"${part}" is not NAME=NUMBER`;
    out[m[1]!.trim()] = Number(m[2]!.trim());
  }
  return out;
}

export function parseReplLine(line: string): ParseResult {
  const words = line.trim().split(/\s+/).filter((w) => w.length > 0);
  if (words.length === 0 || words[0]!.startsWith('#')) return ok({ kind: 'empty' });
  const [verb, ...args] = words;
  const want = (n: number, form: string): string | null => (args.length === n ? null : `usage: ${form}`);
  switch (verb!.toLowerCase()) {
    case 'set': {
      const e = want(2, 'set NAME VALUE');
      if (e) return usage(e);
      if (!NAME.test(args[0]!)) return usage(`set: "${args[0]}" is not a parameter name`);
      if (!NUMBER.test(args[1]!)) return usage(`set ${args[0]}: "${args[1]}" is not a number`);
      return ok({ kind: 'set', name: args[0]!, value: Number(args[1]) });
    }
    case 'get': {
      const e = want(1, 'get NAME');
      if (e) return usage(e);
      if (!NAME.test(args[0]!)) return usage(`get: "${args[0]}" is not a parameter name`);
      return ok({ kind: 'get', name: args[0]! });
    }
    case 'play': {
      const e = want(1, 'play CASE   (suite/name or a .wav path)');
      return e ? usage(e) : ok({ kind: 'play', caseSpec: args[0]! });
    }
    case 'ab': {
      const e = want(3, 'ab CASE NAME=V[,NAME=V...] NAME=V[,NAME=V...]');
      if (e) return usage(e);
      const a = parseSetting(args[1]!);
      if (typeof a === 'string') return usage(`ab: setting A: ${a}`);
      const b = parseSetting(args[2]!);
      if (typeof b === 'string') return usage(`ab: setting B: ${b}`);
      return ok({ kind: 'ab', caseSpec: args[0]!, a, b });
    }
    case 'params':
    case 'reset':
    case 'info':
    case 'help':
    case '?': {
      if (args.length > 0) return usage(`${verb} takes no arguments`);
      const kind = verb === '?' ? 'help' : (verb!.toLowerCase() as 'params' | 'reset' | 'info' | 'help');
      return ok({ kind });
    }
    case 'quit':
    case 'exit':
    case 'q':
      return ok({ kind: 'quit' });
    default:
      return usage(`unknown command "${verb}"; type help for the list`);
  }
}
