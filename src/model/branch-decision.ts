/**
 * Which case a FlyteWorkflow branch node takes, decided from the literals its conditions compare,
 * as propeller's `DecideBranch` does (`controller/nodes/branch/evaluator.go`): the `if` and then
 * each `elseIf` condition in order, the first true one is taken; else the `else` case; else the
 * branch fails with its `elseFail` message ("No branch satisfied" without one). Every case not
 * taken is skipped, also when the branch fails.
 *
 * A simulation knows only some literals: the execution's inputs (what the branch binds from the
 * start node) and literals written into the bindings. A condition that needs another node's
 * output, or compares what this module does not evaluate, leaves the decision undecided (the
 * caller then falls back to its default).
 */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A comparable primitive: its kind (the protobuf oneof) and value. */
interface Prim {
  kind: 'integer' | 'float' | 'string' | 'boolean' | 'datetime' | 'duration';
  value: number | string | boolean;
}

/**
 * What a condition can compare: a primitive, None (an Optional input left empty: a nil primitive,
 * which only EQ and NEQ accept), or a literal that is no primitive at all (a union, a list...),
 * which propeller refuses to compare.
 */
type Value = Prim | { kind: 'none' } | { kind: 'nonPrimitive' };
const NONE: Value = { kind: 'none' };
const NON_PRIMITIVE: Value = { kind: 'nonPrimitive' };

/**
 * The decision: the case taken, or the failure (`malformed` when propeller refuses a comparison:
 * the node then fails before any case is skipped).
 */
export type BranchDecision = { taken: string } | { fails: string; malformed?: boolean };

/** RFC 3339 with a zone, as protobuf JSON writes a Timestamp. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** The primitive of a Literal (`{scalar: {primitive: ...}}`) or of a Primitive itself. */
export function primitiveOf(v: unknown): Prim | undefined {
  let p = v;
  if (isObj(p) && isObj(p.scalar)) p = p.scalar.primitive;
  if (!isObj(p)) return undefined;
  if ('integer' in p) {
    // int64 as protobuf JSON writes it: a decimal string (or a number)
    const t = typeof p.integer === 'number' ? String(p.integer) : p.integer;
    if (typeof t !== 'string' || !/^-?\d+$/.test(t)) return undefined;
    const n = Number(t);
    return Number.isSafeInteger(n) ? { kind: 'integer', value: n } : undefined;
  }
  if ('floatValue' in p && typeof p.floatValue === 'number') return { kind: 'float', value: p.floatValue };
  if ('stringValue' in p && typeof p.stringValue === 'string') return { kind: 'string', value: p.stringValue };
  if ('boolean' in p && typeof p.boolean === 'boolean') return { kind: 'boolean', value: p.boolean };
  if ('datetime' in p && typeof p.datetime === 'string' && RFC3339.test(p.datetime)) {
    // propeller compares the seconds of a timestamp
    return { kind: 'datetime', value: Math.floor(Date.parse(p.datetime) / 1000) };
  }
  if ('duration' in p) {
    // and of a duration: protobuf JSON writes "3600s" (or {seconds, nanos})
    const d = p.duration;
    const m = typeof d === 'string' ? /^(-?\d+)(\.\d+)?s$/.exec(d) : null;
    if (m) return { kind: 'duration', value: Number(m[1]) };
    if (isObj(d) && (typeof d.seconds === 'number' || (typeof d.seconds === 'string' && /^-?\d+$/.test(d.seconds)))) return { kind: 'duration', value: Number(d.seconds) };
  }
  return undefined;
}

/** A Literal (`{scalar: ..}`, `{collection: ..}`, ...) as a condition sees it; undefined when unknown. */
export function valueOf(lit: unknown): Value | undefined {
  if (!isObj(lit)) return undefined;
  const sc = lit.scalar;
  if (isObj(sc)) {
    if (sc.primitive !== undefined) return primitiveOf(sc.primitive);
    if (sc.noneType !== undefined) return NONE;
    // a union, a blob, a schema, a structured dataset, a generic struct, bytes, an error
    return Object.keys(sc).length > 0 ? NON_PRIMITIVE : undefined;
  }
  for (const k of ['collection', 'map', 'offloadedMetadata']) if (lit[k] !== undefined) return NON_PRIMITIVE;
  return undefined;
}

/** What propeller's comparator answers: true, false, or an error (a malformed comparison). */
type Outcome = boolean | { error: string };

/**
 * Compares two values as propeller's comparator does (`branch/comparator.go`); undefined for what is
 * not evaluated here.
 */
function compare(lv: Value, rv: Value, op: unknown): Outcome | undefined {
  if (lv.kind === 'nonPrimitive') return { error: 'Only primitives can be compared. LHS Variable is non primitive.' };
  if (rv.kind === 'nonPrimitive') return { error: 'Only primitives can be compared. RHS Variable is non primitive' };
  if (lv.kind === 'none' || rv.kind === 'none') {
    const both = lv.kind === rv.kind;
    if ((op ?? 'EQ') === 'EQ') return both;
    if (op === 'NEQ') return !both;
    return { error: `Comparison between nil and non-nil values with operator [${String(op)}] is not supported.` };
  }
  const l = lv as Prim;
  const r = rv as Prim;
  if (l.kind !== r.kind) return { error: `Comparison between different primitives types. lVal[${l.kind}]:rVal[${r.kind}]` };
  // Strings order by their UTF-8 bytes, as Go's do.
  const a = l.kind === 'string' ? Buffer.compare(Buffer.from(l.value as string), Buffer.from(r.value as string)) : l.value;
  const b = l.kind === 'string' ? 0 : r.value;
  switch (op ?? 'EQ') {
    case 'EQ':
      return l.value === r.value;
    case 'NEQ':
      return l.value !== r.value;
  }
  if (l.kind === 'boolean') return { error: `[${String(op)}] not defined for boolean operands.` };
  switch (op) {
    case 'GT':
      return a > b;
    case 'GTE':
      return a >= b;
    case 'LT':
      return a < b;
    case 'LTE':
      return a <= b;
    default:
      return undefined;
  }
}

/** An operand: a primitive (or a scalar literal) written into the condition, or a variable. */
function operand(v: unknown, inputs: ReadonlyMap<string, Value>): Value | undefined {
  if (!isObj(v)) return undefined;
  if (v.primitive !== undefined) return primitiveOf(v.primitive);
  if (isObj(v.scalar)) return valueOf({ scalar: v.scalar });
  return typeof v.var === 'string' ? inputs.get(v.var) : undefined;
}

/** A BooleanExpression: a comparison or a conjunction (AND, OR) of two; undefined when unknown. */
function evaluate(expr: unknown, inputs: ReadonlyMap<string, Value>): Outcome | undefined {
  if (!isObj(expr)) return undefined;
  if (isObj(expr.comparison)) {
    const c = expr.comparison;
    const l = operand(c.leftValue, inputs);
    const r = operand(c.rightValue, inputs);
    return l && r ? compare(l, r, c.operator) : undefined;
  }
  if (isObj(expr.conjunction)) {
    const c = expr.conjunction;
    // Both sides are evaluated, left first, as propeller does: an error or an unknown stops there.
    const l = evaluate(c.leftExpression, inputs);
    if (l === undefined || typeof l === 'object') return l;
    const r = evaluate(c.rightExpression, inputs);
    if (r === undefined || typeof r === 'object') return r;
    return c.operator === 'OR' ? l || r : l && r;
  }
  return undefined;
}

/**
 * The decision of the branch spec `branch` (`{if, elseIf, else, elseFail}`) given the primitives
 * of the branch node's inputs by variable name; undefined when a condition that matters cannot be
 * evaluated from them.
 */
export function decideBranch(branch: Obj, inputs: ReadonlyMap<string, Value>): BranchDecision | undefined {
  const blocks = [branch.if, ...(Array.isArray(branch.elseIf) ? branch.elseIf : [])];
  for (const b of blocks) {
    if (!isObj(b) || typeof b.then !== 'string') return undefined;
    const ok = evaluate(b.condition, inputs);
    if (ok === undefined) return undefined;
    if (typeof ok === 'object') return { fails: ok.error, malformed: true };
    if (ok) return { taken: b.then };
  }
  if (typeof branch.else === 'string' && branch.else !== '') return { taken: branch.else };
  const ef = branch.elseFail;
  // propeller fails with elseFail's message (empty when it has none), else "No branch satisfied"
  if (isObj(ef)) return { fails: typeof ef.message === 'string' ? ef.message : '' };
  return { fails: 'No branch satisfied' };
}

/**
 * The primitives a branch node's conditions can read: its input bindings (`[{var, binding}]`)
 * that are literal primitives, or promises of the start node's outputs found in `workflowInputs`
 * (the execution's inputs, a LiteralMap's `literals`).
 */
export function branchInputs(bindings: unknown, workflowInputs: Obj | undefined): Map<string, Value> {
  const out = new Map<string, Value>();
  if (!Array.isArray(bindings)) return out;
  for (const b of bindings) {
    if (!isObj(b) || typeof b.var !== 'string' || !isObj(b.binding)) continue;
    const bd = b.binding;
    let v: Value | undefined;
    if (isObj(bd.scalar)) v = valueOf({ scalar: bd.scalar });
    else if (bd.collection !== undefined || bd.map !== undefined || bd.union !== undefined) v = NON_PRIMITIVE;
    else if (isObj(bd.promise) && bd.promise.nodeId === 'start-node' && typeof bd.promise.var === 'string' && workflowInputs) {
      v = valueOf(workflowInputs[bd.promise.var]);
    }
    if (v) out.set(b.var, v);
  }
  return out;
}
