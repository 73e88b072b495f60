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

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

/** What a CR says the report must name: every node, nested subworkflow nodes and failure nodes. */
export interface Expected {
  /** Nodes that run (or are skipped) and so have a row. */
  rows: Set<string>;
  /** Branch cases not taken. */
  skipped: Set<string>;
  /** Nodes that never start: inside a skipped case, and failure nodes. */
  notStarted: Set<string>;
}

/** In `expectedOf`'s decisions: the branch matches no case and fails. */
export const FAILS = '(fails)';

/**
 * What the report must name, when every branch takes its `if` case except those in `decisions`
 * (branch id → the case it takes, or FAILS: every case skipped).
 */
export function expectedOf(cr: Any, decisions: Record<string, string> = {}): Expected {
  const out: Expected = { rows: new Set(), skipped: new Set(), notStarted: new Set() };
  const walk = (spec: Any, prefix: string, running: boolean) => {
    const nodes = spec.nodes as Record<string, Any>;
    const caseOf = new Map<string, { branch: string; taken: boolean }>();
    for (const [id, n] of Object.entries(nodes)) {
      if (n.kind !== 'branch') continue;
      const cases = [n.branch.if.then, ...(n.branch.elseIf ?? []).map((c: Any) => c.then), ...(n.branch.else ? [n.branch.else] : [])];
      const taken = decisions[id] ?? cases[0];
      cases.forEach((c: string) => caseOf.set(c, { branch: id, taken: c === taken }));
    }
    // A node runs when the workflow runs and every branch above it took the path to it.
    const runs = (id: string): boolean => {
      const c = caseOf.get(id);
      return c === undefined ? running : c.taken && runs(c.branch);
    };
    const skippedHere = (id: string): boolean => {
      const c = caseOf.get(id);
      return c !== undefined && !c.taken && runs(c.branch);
    };
    for (const [id, n] of Object.entries(nodes)) {
      const full = prefix + id;
      const r = runs(id);
      if (r) out.rows.add(full);
      else if (skippedHere(id)) {
        out.rows.add(full);
        out.skipped.add(full);
      } else out.notStarted.add(full);
      if (n.kind === 'workflow' && n.workflow.subWorkflowRef) walk(cr.subWorkflows[n.workflow.subWorkflowRef], `${full}/`, r);
    }
    if (spec.onFailure) out.notStarted.add(prefix + spec.onFailure.id);
  };
  walk(cr.spec, '', true);
  return out;
}
