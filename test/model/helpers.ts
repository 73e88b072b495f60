import { InputError } from '../../src/timeline/errors.js';

/** The InputError `fn` throws; fails the test when it throws nothing or another error. */
export function thrown(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}
