/** Public API of the what-if layer: changes to a Model, paired replications, replication aggregates. */
export {
  PRESETS,
  presetNames,
  presetHelp,
  findPreset,
  parseChanges,
  applyChanges,
  describeChange,
  describeChanges,
  changeEffects,
  effectText,
  leafText,
  type Change,
  type ChangeArgs,
  type Effect,
  type Preset,
} from './changes.js';
export {
  runWhatif,
  runWhatifParallel,
  runPairedParallel,
  runPaired,
  pairedDeltas,
  unpairedHalfWidth,
  type DeltaEstimate,
  type DeltaFigures,
  type PairedOptions,
  type PairedRun,
  type RunSummary,
  type WhatifJson,
  type WhatifProgress,
  type ThreadOptions,
} from './paired.js';
export { aggregateReports, estimate, ReplicationAggregator, type Estimate, type ReplicationsJson } from './replications.js';
export { MeanReport, meanReport } from './mean-report.js';
export {
  ALL_FIGURES,
  EXECUTION_FIGURES,
  RECORDING_FIGURES,
  sampleFigures,
  topLevelExecutions,
  type FigureDef,
  type FigureSample,
  type FigureUnit,
} from './figures.js';
export { renderWhatif, renderReplications } from './render.js';
export { runSweep, sweepChange, sweepProgressLine, type SweepJson, type SweepOptions, type SweepPoint, type SweepProgress, type SweepSpec } from './sweep.js';
export { parseSweepValues, MAX_SWEEP_VALUES } from './sweep-values.js';
export { renderSweep, lowestMakespan } from './render-sweep.js';
export { createProgress, progressLine, type ProgressSink } from './progress.js';
export { Running, tQuantile } from './paired-stats.js';
export { replicateReports, type ReplicateOptions } from './replicate.js';
