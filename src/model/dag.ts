import type { WorkflowNode } from './workflow.js';

/**
 * Orders a workflow's nodes so that every node comes after its upstreams (stable: among ready
 * nodes, input order), with branch case nodes right after their branch node. Returns the cycle
 * (ids, first repeated at the end) when there is one. Upstream ids must all exist.
 */
export function topologicalOrder(nodes: readonly WorkflowNode[]): { order: WorkflowNode[] } | { cycle: string[] } {
  const index = new Map<string, number>();
  nodes.forEach((n, i) => index.set(n.id, i));
  const indegree = nodes.map((n) => n.upstream.length);
  const downstream: number[][] = nodes.map(() => []);
  nodes.forEach((n, i) => {
    for (const u of n.upstream) downstream[index.get(u)!]!.push(i);
  });

  // Case nodes have no upstream but belong right after their branch: hold them back.
  const casesOf = new Map<string, number[]>();
  nodes.forEach((n, i) => {
    if (n.branchOf !== undefined) {
      const list = casesOf.get(n.branchOf) ?? [];
      list.push(i);
      casesOf.set(n.branchOf, list);
    }
  });

  const order: WorkflowNode[] = [];
  const placed = new Array<boolean>(nodes.length).fill(false);
  const ready = new MinHeap();
  nodes.forEach((n, i) => {
    if (indegree[i] === 0 && n.branchOf === undefined) ready.push(i);
  });
  const place = (i: number) => {
    placed[i] = true;
    order.push(nodes[i]!);
    for (const c of casesOf.get(nodes[i]!.id) ?? []) if (!placed[c]) place(c);
  };
  while (ready.size > 0) {
    const i = ready.pop();
    place(i);
    for (const d of downstream[i]!) {
      indegree[d]!--;
      if (indegree[d] === 0 && nodes[d]!.branchOf === undefined) ready.push(d);
    }
  }
  // Cases of branches that were never placed (or orphan cases) are placed last.
  nodes.forEach((n, i) => {
    if (!placed[i] && n.branchOf !== undefined && indegree[i] === 0 && !index.has(n.branchOf)) place(i);
  });
  if (order.length === nodes.length) return { order };
  return { cycle: findCycle(nodes, index, placed) };
}

function findCycle(nodes: readonly WorkflowNode[], index: Map<string, number>, placed: boolean[]): string[] {
  // Walk upstream from an unplaced node until a node repeats: every unplaced node with
  // in-degree > 0 has an unplaced upstream.
  const start = placed.findIndex((p, i) => !p && nodes[i]!.upstream.length > 0);
  if (start < 0) return [];
  const seen = new Map<number, number>();
  const path: number[] = [];
  let i = start;
  while (!seen.has(i)) {
    seen.set(i, path.length);
    path.push(i);
    const next = nodes[i]!.upstream.map((u) => index.get(u)!).find((u) => !placed[u]);
    if (next === undefined) return [];
    i = next;
  }
  const cycle = path.slice(seen.get(i)!).map((k) => nodes[k]!.id).reverse();
  return [...cycle, cycle[0]!];
}

/** Min-heap of node indices (ready nodes in input order). */
class MinHeap {
  private readonly a: number[] = [];
  get size(): number {
    return this.a.length;
  }
  push(v: number): void {
    const a = this.a;
    let i = a.push(v) - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]! <= v) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = v;
  }
  pop(): number {
    const a = this.a;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const r = l + 1;
        const c = r < a.length && a[r]! < a[l]! ? r : l;
        if (a[c]! >= last) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}
