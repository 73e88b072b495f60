import { renderValidation, validate } from '../calibrate/index.js';
import { readExecutions } from './inputs.js';
import { emit } from './output.js';

export interface ValidateOpts {
  holdout: number;
  splitBy: 'random' | 'time';
  targetError: number;
  seed: string | number;
  reps: number;
  json?: boolean;
  strict?: boolean;
  profile?: string;
  out?: string;
}

/** `propsim validate`: exit code 1 when the makespan mean error misses the declared target. */
export async function runValidate(inputs: string[], opts: ValidateOpts): Promise<number> {
  const rec = await readExecutions(inputs, { strict: opts.strict, replay: true });
  const result = validate(rec, {
    holdout: opts.holdout,
    splitBy: opts.splitBy,
    targetError: opts.targetError,
    seed: opts.seed,
    reps: opts.reps,
    ...(opts.profile !== undefined ? { profile: opts.profile } : {}),
  });
  await emit(opts.out, opts.json ? `${JSON.stringify(result, null, 2)}\n` : renderValidation(result));
  return result.passed ? 0 : 1;
}
