/**
 * The quality figures of a measured case (I/O: reads the clean reference WAV): enhancement
 * against the reference when the manifest names one, and model S's deployment loss when the
 * device runs the committed model S build. A reference that cannot be read costs only its
 * figures (the note says why); the case's verdicts stand.
 */
import type { CaseQuality } from '../core/results.ts';
import { modelSDeploymentLoss, modelSParams, isCommittedModelS } from '../dsp/model-s/deployment-loss.ts';
import { measureEnhancement } from '../dsp/quality.ts';
import { readWav, requireMono16 } from '../dsp/wav.ts';
import type { DeviceInfo } from '../protocol/device-info.ts';
import type { RunnableCase } from './case-spec.ts';
import type { Measurement } from './measure-case.ts';

export async function measureCaseQuality(c: RunnableCase, m: Measurement, info: DeviceInfo): Promise<CaseQuality> {
  let enhancement: CaseQuality['enhancement'] = null;
  let note: string | null = null;
  if (c.reference) {
    try {
      const wav = await readWav(c.reference);
      requireMono16(wav, { rate: info.rate }, c.reference);
      enhancement = measureEnhancement(wav.samples, m.input, m.output, info.latency, info.rate, c.reference);
    } catch (e) {
      note = `reference ${c.reference}: ${(e as Error).message}`;
    }
  }
  const floatModel = isCommittedModelS(info.model, info.weights) ? modelSDeploymentLoss(m.input, m.output, modelSParams(m.params)) : null;
  return { enhancement, floatModel, note };
}
