/**
 * Resource budgets: flash (text + data of the ELF) and RAM (data + bss + measured stack
 * high-water mark) against the profile's budgets. Pure.
 */
import type { ElfSizes } from '../firmware-image/elf-sizes.ts';
import type { ResourceVerdict } from './verdict.ts';

export interface ResourceInput {
  readonly sizes: ElfSizes | null;
  readonly stackHwm: number | null;
  readonly flashBudget: number | null;
  readonly ramBudget: number | null;
}

export function checkResources(r: ResourceInput): ResourceVerdict {
  const flash = r.sizes?.flash ?? null;
  const ram = r.sizes ? r.sizes.ram + (r.stackHwm ?? 0) : null;
  const problems: string[] = [];
  const notes: string[] = [];
  if (flash !== null) notes.push(`flash ${flash} B${r.flashBudget !== null ? ` of ${r.flashBudget} B` : ''}`);
  if (ram !== null) notes.push(`RAM ${ram} B (data+bss ${r.sizes!.ram} B + stack high-water ${r.stackHwm ?? 'unknown'})${r.ramBudget !== null ? ` of ${r.ramBudget} B` : ''}`);
  if (flash !== null && r.flashBudget !== null && flash > r.flashBudget) problems.push(`flash ${flash} B exceeds the ${r.flashBudget} B budget`);
  if (ram !== null && r.ramBudget !== null && ram > r.ramBudget) problems.push(`RAM ${ram} B exceeds the ${r.ramBudget} B budget`);
  const checked = (flash !== null && r.flashBudget !== null) || (ram !== null && r.ramBudget !== null);
  return {
    kind: 'resources',
    status: problems.length ? 'fail' : checked ? 'pass' : 'not-applicable',
    flashBytes: flash,
    ramBytes: ram,
    stackHwmBytes: r.stackHwm,
    flashBudget: r.flashBudget,
    ramBudget: r.ramBudget,
    message: problems.length ? problems.join('; ') : notes.length ? notes.join(', ') : 'no ELF image to measure (host simulator)',
  };
}
