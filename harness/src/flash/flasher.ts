/**
 * The Flasher seam: put a firmware image on a bench board and, where the tool can, reset it.
 * Three kinds (create-flasher.ts): `gdb` (GDB RSP through any GDB server), `command` (an argv
 * template run without a shell) and `none` (the board is flashed already). Every run has a
 * timeout and keeps the tool's own output for the run log.
 */
import type { FlasherType, FlashRecord } from '../core/board-record.ts';

export interface FlashContext {
  readonly signal?: AbortSignal;
  /** Serial port of the board, for `{port}` in command templates (null when not known). */
  readonly port?: string | null;
  readonly baudRate?: number;
}

/** What a reset through the flasher did. */
export interface FlasherResetResult {
  readonly argv: readonly string[];
  readonly elapsedMs: number;
  readonly output: readonly string[];
}

export interface Flasher {
  readonly type: FlasherType;
  /** For messages: `gdb-multiarch via 127.0.0.1:3333`, `openocd`, `none`. */
  readonly description: string;
  /** Flash the image; rejects with a TARGET HarnessError carrying the tool's output tail. */
  flash(ctx?: FlashContext): Promise<FlashRecord>;
  /** Reset the board through the flasher (reset method `flasher`); null when it cannot. */
  readonly reset: ((ctx?: FlashContext) => Promise<FlasherResetResult>) | null;
}

/** Default time one flasher run may take. */
export const DEFAULT_FLASH_TIMEOUT_MS = 120_000;
