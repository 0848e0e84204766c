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
  // With a measured high-water mark, RAM = static data + bss outside the stack reservation + the
  // stack actually used; without one, the whole reservation counts.
  const stacks = r.sizes?.stacks ?? 0;
  const ram = r.sizes ? (r.stackHwm !== null ? r.sizes.ram - stacks + r.stackHwm : r.sizes.ram) : null;
  const problems: string[] = [];
  const notes: string[] = [];
  if (flash !== null) notes.push(`flash ${flash} B${r.flashBudget !== null ? ` of ${r.flashBudget} B` : ''}`);
  if (ram !== null) {
    const parts =
      r.stackHwm !== null
        ? `data+bss ${r.sizes!.ram - stacks} B + stack high-water ${r.stackHwm} B${stacks ? ` of ${stacks} B reserved` : ''}`
        : `data+bss ${r.sizes!.ram} B, stack reservation included; stack high-water unknown`;
    notes.push(`RAM ${ram} B (${parts})${r.ramBudget !== null ? ` of ${r.ramBudget} B` : ''}`);
  }
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
