/**
 * Write firmware/agent/test/canonical-frames.txt from canonical-frames.ts:
 *   npx tsx harness/src/protocol/write-canonical-frames.ts [--check]
 * With --check, exit 1 (writing nothing) when the committed file differs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { CANONICAL_FILE, renderCanonicalFile } from './canonical-frames.ts';

const want = renderCanonicalFile();
const file = fileURLToPath(CANONICAL_FILE);
let have = '';
try {
  have = readFileSync(file, 'utf8');
} catch {
  // absent: written below
}
if (process.argv.includes('--check')) {
  process.stdout.write(have === want ? `${file}: up to date\n` : `${file}: differs from canonical-frames.ts; run without --check\n`);
  process.exit(have === want ? 0 : 1);
}
writeFileSync(file, want);
process.stdout.write(`${file}: ${have === want ? 'unchanged' : 'written'}\n`);
