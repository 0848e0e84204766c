/** Public API of the hil harness, for user-written mocha specs and scripts (`import ... from 'hil'`). */
export { connect, readGolden, type Device, type Processed, type ProcessedCase, type ConnectOptions } from './api/connect.ts';
export { hilChai, outputVerdict, realTimeVerdict, type RealTimeOptions, type Shape } from './api/chai-plugin.ts';
export { checkOutput, hashSamples, snrDb } from './assertions/output-verdict.ts';
export { checkMargin } from './assertions/margin-verdict.ts';
export type { MarginVerdict, OutputVerdict, ToleranceSpec, VerdictStatus } from './assertions/verdict.ts';
export { HarnessError, type ErrorCode } from './core/errors.ts';
export { readWav, writeWav } from './dsp/wav.ts';
export type { CaseError, CaseQuality, CaseResult, CaseStatus, DeviceRecord, RunReport, RunStatus, RunSummary, TargetRecord } from './core/results.ts';
