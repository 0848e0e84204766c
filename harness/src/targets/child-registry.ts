/**
 * Process-wide registry of child processes the harness started (simulators, QEMU, gdb,
 * flashers). On normal exit, SIGINT or SIGTERM every live child is killed, so nothing the harness
 * started survives it.
 */
import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();
let hooked = false;
const signalHandlers: Array<(signal: NodeJS.Signals) => void> = [];

function killAll(signal: NodeJS.Signals = 'SIGKILL'): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        child.kill(signal);
      } catch {
        /* already gone */
      }
    }
  }
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => killAll('SIGKILL'));
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      for (const h of signalHandlers) h(sig);
      // Handlers registered with onInterrupt decide when to exit; with none, behave like default.
      if (signalHandlers.length === 0) {
        killAll('SIGKILL');
        process.kill(process.pid, sig);
      }
    });
  }
}

/** Track a child until it exits. */
export function registerChild(child: ChildProcess): void {
  hook();
  live.add(child);
  child.once('exit', () => live.delete(child));
  child.once('error', () => live.delete(child));
}

/** Kill every tracked child now (used by interruption handling). */
export function killAllChildren(): void {
  killAll('SIGKILL');
}

/** Number of tracked live children (for tests). */
export function liveChildCount(): number {
  return live.size;
}

/**
 * Install a handler for SIGINT/SIGTERM. The handler is responsible for finishing (e.g. writing a
 * partial report) and exiting; the registry kills children either way on 'exit'.
 */
export function onInterrupt(handler: (signal: NodeJS.Signals) => void): () => void {
  hook();
  signalHandlers.push(handler);
  return () => {
    const i = signalHandlers.indexOf(handler);
    if (i >= 0) signalHandlers.splice(i, 1);
  };
}
