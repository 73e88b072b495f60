import type { z } from 'zod';
import { InputError } from '../timeline/errors.js';

/** `workflows.big.nodes[3].after`, `tasks["resource_type:TASK name:\"x\""]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else {
      const s = String(seg);
      if (/^[A-Za-z_$][\w$-]*$/.test(s)) out += out === '' ? s : `.${s}`;
      else out += `[${JSON.stringify(s)}]`;
    }
  }
  return out;
}

/** The first issue of a zod error as an InputError naming the field (and how many more there are). */
export function inputErrorFromZod(error: z.ZodError, file?: string, prefix: readonly PropertyKey[] = []): InputError {
  const issue = error.issues[0];
  if (!issue) return new InputError('invalid input', { file });
  let path: PropertyKey[] = [...prefix, ...issue.path];
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys;
    if (keys.length === 1) path = [...path, keys[0]!];
    message = `unknown field${keys.length > 1 ? 's' : ''} ${keys.map((k) => `"${k}"`).join(', ')}`;
  } else if (issue.code === 'invalid_type') {
    const m = /expected (\w+), received (\w+)/.exec(message);
    if (m && m[2] === 'undefined') message = `missing required field (${friendly(m[1]!)})`;
    else if (m && m[1] === 'int' && m[2] === 'number') message = 'expected a whole number';
    else if (m) message = `expected ${friendly(m[1]!)}, got ${friendly(m[2]!)}`;
  } else if (issue.code === 'too_small' || issue.code === 'too_big') {
    // zod's "Too small: expected number to be >=1" reads as library output: say the bound.
    const m = /expected \w+ to (?:be|have) ([<>]=?)\s*(-?[\d.e+]+)/.exec(message);
    if (m) message = `expected a value ${m[1]} ${m[2]}`;
  }
  const more = error.issues.length - 1;
  if (more > 0) message += ` (and ${more} more problem${more > 1 ? 's' : ''})`;
  return new InputError(message, { file, path: formatPath(path) || undefined });
}

const TYPE_NAMES: Record<string, string> = {
  record: 'a map',
  object: 'a map',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  null: 'null',
};

function friendly(t: string): string {
  return TYPE_NAMES[t] ?? t;
}

/** Segments of a formatted path, for looking the field up in a source document. */
export function parsePath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  const re = /([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|\./gy;
  let m: RegExpExecArray | null;
  re.lastIndex = 0;
  while (re.lastIndex < path.length && (m = re.exec(path))) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[3] !== undefined) out.push(JSON.parse(m[3]) as string);
  }
  return out;
}
