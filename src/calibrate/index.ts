/** Public API of calibration: Recording -> Model and fit report, replay plans, held-out validation. */
export { calibrate, CalibrationAccumulator, fitSamples, shapesFrom, MIN_OBSERVATIONS, type CalibrateOptions, type CalibrationReport, type CalibrationResult, type ParameterReport } from './calibrate.js';
export { inferConfig, CONFIG_KEYS, type ConfigEstimate, type ConfigKey, type InferredConfig } from './config.js';
export { collectSamples, PARAM_PATHS, type ParamPath, type ParamSamples, type SampleSet } from './samples.js';
export { replayPlan, replayPlans, type ReplayOptions } from './replay.js';
export { validate, splitExecutions, ks2, type ValidateOptions, type ValidationResult, type QuantityFigures } from './validate.js';
export { renderCalibration, renderValidation, fmtSeconds } from './render.js';
export { fitLattice, snapSeconds, type LatticeFit } from './lattice.js';
