/**
 * Model S's deployment loss on one case: the int16 output of the target against the float64
 * reference running the float checkpoint (weights and activations quantised together), and
 * against the reference with the int16 weights dequantised (activation rounding alone). Pure.
 *
 * Applies only to a build of model S carrying exactly the committed weights (the handshake's
 * model id and weights hash): for any other build the float reference describes another model.
 */
import { finite } from '../level-metrics.ts';
import { MS_DEFAULT_PARAMS, MS_PARAM_TABLE, type ModelSParams } from './config.ts';
import { runModelSFloat, snrDb } from './float-ref.ts';
import { MODEL_S_CHECKPOINT_SHA256 } from './weights-float.gen.ts';
import { MODEL_S_WEIGHTS_HASH } from './weights.gen.ts';

export interface DeploymentLossRecord {
  /** first 12 hex digits of the float checkpoint's sha256 */
  readonly checkpoint: string;
  /** SNR of the int16 output against the float checkpoint's output, dB */
  readonly deploymentSnrDb: number | null;
  /** SNR of the int16 output against the dequantised-weights output (activation rounding only), dB */
  readonly activationSnrDb: number | null;
}

/** Whether a device's model is the committed model S build (model id and weights hash). */
export function isCommittedModelS(model: string, weightsHex: string): boolean {
  return model === 'model-s' && parseInt(weightsHex, 16) === MODEL_S_WEIGHTS_HASH;
}

/** Model S parameters (real units) from a case's applied parameters; unknown names are ignored. */
export function modelSParams(applied: Readonly<Record<string, number>>): ModelSParams {
  const p: ModelSParams = { ...MS_DEFAULT_PARAMS };
  for (const d of MS_PARAM_TABLE) if (applied[d.name] !== undefined) p[d.name] = applied[d.name]!;
  return p;
}

export function modelSDeploymentLoss(input: Int16Array, output: Int16Array, params: ModelSParams): DeploymentLossRecord {
  const n = Math.min(output.length, Math.ceil(input.length / 160) * 160);
  const yf = runModelSFloat(input, params, undefined, 'float');
  const yq = runModelSFloat(input, params, undefined, 'quantised');
  return {
    checkpoint: MODEL_S_CHECKPOINT_SHA256.slice(0, 12),
    deploymentSnrDb: finite(snrDb(yf, output, 0, n)),
    activationSnrDb: finite(snrDb(yq, output, 0, n)),
  };
}
