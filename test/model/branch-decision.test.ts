import { describe, expect, it } from 'vitest';
import { branchInputs, decideBranch, primitiveOf } from '../../src/model/branch-decision.js';

const f = (x: number) => ({ primitive: { floatValue: x } });
const i = (x: number) => ({ primitive: { integer: String(x) } });
const v = (name: string) => ({ var: name });
const cmp = (l: object, operator: string | undefined, r: object) => ({ comparison: { leftValue: l, ...(operator ? { operator } : {}), rightValue: r } });
const and = (a: object, b: object) => ({ conjunction: { leftExpression: a, rightExpression: b } });
const or = (a: object, b: object) => ({ conjunction: { operator: 'OR', leftExpression: a, rightExpression: b } });
const inputs = (vals: Record<string, { primitive: object }>) => new Map(Object.entries(vals).map(([k, p]) => [k, primitiveOf(p.primitive)!]));

// the shape of flytesnacks' conditions example: 0.1 < x < 1 -> a; 1 < x < 10 -> b; else c / elseFail
const between = (lo: number, hi: number) => and(cmp(v('.x'), 'GT', f(lo)), cmp(v('.x'), 'LT', f(hi)));
const branch = (extra: object) => ({ if: { condition: between(0.1, 1), then: 'a' }, elseIf: [{ condition: between(1, 10), then: 'b' }], ...extra });

describe('branch decision from the execution inputs', () => {
  it('takes the first case whose condition holds, in order', () => {
    expect(decideBranch(branch({ else: 'c' }), inputs({ '.x': f(0.5) }))).toEqual({ taken: 'a' });
    expect(decideBranch(branch({ else: 'c' }), inputs({ '.x': f(5) }))).toEqual({ taken: 'b' });
    expect(decideBranch(branch({ else: 'c' }), inputs({ '.x': f(50) }))).toEqual({ taken: 'c' });
  });

  it('fails with the elseFail message when nothing matches, or "No branch satisfied" without one', () => {
    expect(decideBranch(branch({ elseFail: { message: 'between 0 and 10' } }), inputs({ '.x': f(0) }))).toEqual({ fails: 'between 0 and 10' });
    expect(decideBranch(branch({}), inputs({ '.x': f(0) }))).toEqual({ fails: 'No branch satisfied' });
  });

  it('every operator, EQ when the operator is left out (protobuf JSON omits the zero value)', () => {
    const one = (op: string | undefined, l: number, r: number) => decideBranch({ if: { condition: cmp(i(l), op, i(r)), then: 'y' }, else: 'n' }, new Map());
    const cases: [string | undefined, number, number, string][] = [
      [undefined, 2, 2, 'y'], ['EQ', 2, 3, 'n'], ['NEQ', 2, 3, 'y'], ['NEQ', 3, 3, 'n'],
      ['GT', 3, 2, 'y'], ['GT', 2, 2, 'n'], ['GTE', 2, 2, 'y'], ['GTE', 1, 2, 'n'],
      ['LT', 1, 2, 'y'], ['LT', 2, 2, 'n'], ['LTE', 2, 2, 'y'], ['LTE', 3, 2, 'n'],
    ];
    for (const [op, l, r, want] of cases) expect(one(op, l, r), `${l} ${op} ${r}`).toEqual({ taken: want });
  });

  it('AND and OR conjunctions; strings and booleans', () => {
    const s = (x: string) => ({ primitive: { stringValue: x } });
    const b = (x: boolean) => ({ primitive: { boolean: x } });
    const d = (cond: object) => decideBranch({ if: { condition: cond, then: 'y' }, else: 'n' }, inputs({ '.s': s('abc'), '.b': b(true) }));
    expect(d(or(cmp(v('.s'), 'EQ', s('x')), cmp(v('.b'), 'EQ', b(true))))).toEqual({ taken: 'y' });
    expect(d(and(cmp(v('.s'), 'EQ', s('x')), cmp(v('.b'), 'EQ', b(true))))).toEqual({ taken: 'n' });
    expect(d(cmp(v('.s'), 'LT', s('abd')))).toEqual({ taken: 'y' });
  });

  it('fails as malformed where propeller refuses the comparison: different kinds, booleans ordered', () => {
    expect(decideBranch({ if: { condition: cmp(i(1), 'EQ', f(1)), then: 'y' }, else: 'n' }, new Map())).toMatchObject({ malformed: true });
    const bt = { primitive: { boolean: true } };
    expect(decideBranch({ if: { condition: cmp(bt, 'GT', bt), then: 'y' }, else: 'n' }, new Map())).toEqual({
      fails: '[GT] not defined for boolean operands.',
      malformed: true,
    });
    // an earlier case taken: the later malformed one is never evaluated
    expect(decideBranch({ if: { condition: cmp(i(1), 'EQ', i(1)), then: 'y' }, elseIf: [{ condition: cmp(i(1), 'EQ', f(1)), then: 'z' }] }, new Map())).toEqual({ taken: 'y' });
  });

  it('datetimes compare by their seconds; a time without a zone is not read', () => {
    const dt = (x: string) => ({ primitive: { datetime: x } });
    const d = (l: string, op: string, r: string) => decideBranch({ if: { condition: cmp(dt(l), op, dt(r)), then: 'y' }, else: 'n' }, new Map());
    expect(d('2020-01-01T00:00:00.500Z', 'EQ', '2020-01-01T00:00:00Z')).toEqual({ taken: 'y' });
    expect(d('2020-01-01T00:00:01Z', 'GT', '2020-01-01T01:00:00+01:00')).toEqual({ taken: 'y' });
    expect(d('2020-01-01T00:00:00', 'EQ', '2020-01-01T00:00:00Z')).toBeUndefined();
  });

  it('strings order by their UTF-8 bytes; operands may be scalar literals; integers are decimal strings', () => {
    const s = (x: string) => ({ scalar: { primitive: { stringValue: x } } });
    expect(decideBranch({ if: { condition: cmp(s('\uFFFF'), 'LT', s('\u{10000}')), then: 'y' }, else: 'n' }, new Map())).toEqual({ taken: 'y' });
    expect(primitiveOf({ integer: '0x10' })).toBeUndefined();
    expect(primitiveOf({ integer: '' })).toBeUndefined();
    expect(primitiveOf({ integer: '-42' })).toEqual({ kind: 'integer', value: -42 });
  });

  it('elseFail without a message fails with an empty one, as propeller does', () => {
    expect(decideBranch(branch({ elseFail: { failedNodeId: 'x' } }), inputs({ '.x': f(0) }))).toEqual({ fails: '' });
  });

  it('stays undecided when a condition reads what it does not know', () => {
    // another node's output
    expect(decideBranch(branch({ else: 'c' }), new Map())).toBeUndefined();
    // ... but a later case's unknown does not matter once an earlier one is taken
    expect(decideBranch({ if: { condition: cmp(i(1), 'EQ', i(1)), then: 'y' }, elseIf: [{ condition: cmp(v('.z'), 'EQ', i(1)), then: 'z' }] }, new Map())).toEqual({
      taken: 'y',
    });
  });

  it('an Optional left empty (None) is equal only to None; ordering it is malformed (comparator.go)', () => {
    const none = { scalar: { noneType: {} } };
    const m = branchInputs([{ var: '.x', binding: { promise: { nodeId: 'start-node', var: 'x' } } }], { x: none });
    const d = (op: string, r: object = i(5)) => decideBranch({ if: { condition: cmp(v('.x'), op, r), then: 'y' }, else: 'n' }, m);
    expect(d('EQ')).toEqual({ taken: 'n' });
    expect(d('NEQ')).toEqual({ taken: 'y' });
    expect(d('EQ', { scalar: { noneType: {} } })).toEqual({ taken: 'y' });
    expect(d('GT')).toEqual({ fails: 'Comparison between nil and non-nil values with operator [GT] is not supported.', malformed: true });
  });

  it('a literal that is no primitive (a union, a list) is refused, on either side', () => {
    const union = { scalar: { union: { value: { scalar: { primitive: { integer: '5' } } }, type: {} } } };
    const list = { collection: { literals: [] } };
    const m = branchInputs(
      [
        { var: '.u', binding: { promise: { nodeId: 'start-node', var: 'u' } } },
        { var: '.l', binding: { promise: { nodeId: 'start-node', var: 'l' } } },
      ],
      { u: union, l: list },
    );
    const d = (cond: object) => decideBranch({ if: { condition: cond, then: 'y' }, else: 'n' }, m);
    expect(d(cmp(v('.u'), 'EQ', i(5)))).toEqual({ fails: 'Only primitives can be compared. LHS Variable is non primitive.', malformed: true });
    expect(d(cmp(i(5), 'EQ', v('.l')))).toEqual({ fails: 'Only primitives can be compared. RHS Variable is non primitive', malformed: true });
  });

  it('durations compare by their seconds', () => {
    const du = (x: unknown) => ({ primitive: { duration: x } });
    const d = (l: unknown, op: string, r: unknown) => decideBranch({ if: { condition: cmp(du(l), op, du(r)), then: 'y' }, else: 'n' }, new Map());
    expect(d('3600s', 'GT', '60s')).toEqual({ taken: 'y' });
    expect(d('60.9s', 'EQ', { seconds: '60', nanos: 0 })).toEqual({ taken: 'y' });
    expect(d('59s', 'GTE', '60s')).toEqual({ taken: 'n' });
  });

  it('reads the branch node bindings: start-node promises from the execution inputs, and literals', () => {
    const bindings = [
      { var: '.x', binding: { promise: { nodeId: 'start-node', var: 'x' } } },
      { var: 'n1.o0', binding: { scalar: { primitive: { boolean: true } } } },
      { var: 'n0.o0', binding: { promise: { nodeId: 'n0', var: 'o0' } } },
    ];
    const m = branchInputs(bindings, { x: { scalar: { primitive: { floatValue: 0.5 } } } });
    expect([...m.keys()].sort()).toEqual(['.x', 'n1.o0']);
    expect(m.get('.x')).toEqual({ kind: 'float', value: 0.5 });
    expect(m.get('n1.o0')).toEqual({ kind: 'boolean', value: true });
    expect(branchInputs(bindings, undefined).has('.x')).toBe(false);
  });
});
