import { describe, expect, it } from 'vitest';
import { childRun, runOwner, runPrefix } from '../../src/timeline/sub-dag-runs.js';

describe("a dynamic node's sub-DAG runs", () => {
  it('name the first run <node>/ and a retry <node>-<attempt>/, and read those names back', () => {
    expect(runPrefix('d', 0)).toBe('d/');
    expect(runPrefix('n0/d', 2)).toBe('n0/d-2/');
    expect(childRun('d/x', 'd')).toBe(0);
    expect(childRun('d-1/x/y', 'd')).toBe(1);
    expect(childRun('dd/x', 'd')).toBeUndefined();
    expect(childRun('d-x/y', 'd')).toBeUndefined();
    expect(childRun('d', 'd')).toBeUndefined();
    expect(runOwner('d-12')).toEqual({ node: 'd', attempt: 12 });
    expect(runOwner('my-node')).toBeUndefined();
  });
});
