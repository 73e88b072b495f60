/**
 * Node kinds a log leaves implicit, told from what the nodes did: gates (they ran without a pod)
 * and branch cases (named after their branch node).
 */
import type { HandleCall, NodeKind, NodeRecord, Round } from '../timeline/types.js';
import type { ExecState } from './fold-state.js';

/**
 * In a log with task events, a node that ran (Running, then Succeeded) without sending any, with
 * no nested nodes and no child execution, and not a map's subtask (a map sends its subtasks'
 * events as its own), is a gate: propeller logs nothing else for one. It
 * opened after the round before the one that saw it open: the estimate is midway, the bounds
 * span from that round's start to the sighting.
 */
export function inferGate(n: NodeRecord, parentKind: NodeKind | undefined, handles: readonly HandleCall[]): void {
  if (n.kind !== 'unknown' || (n.taskPhases?.length ?? 0) > 0 || parentKind === 'map') return;
  const running = n.transitions.find((t) => t.to === 'Running');
  const done = n.transitions.find((t) => t.to === 'Succeeded');
  if (running === undefined || done === undefined || done.at < running.at) return;
  n.kind = 'gate';
  delete n.pod;
  delete n.pods;
  let prev: Round | undefined;
  if (done.handle !== undefined && done.round !== undefined) {
    for (let h = 0; h <= done.handle && h < handles.length; h++) {
      const rounds = handles[h]!.rounds;
      const last = h === done.handle ? done.round : rounds.length;
      for (let r = 0; r < last && r < rounds.length; r++) if (rounds[r]!.end >= running.at) prev = rounds[r];
    }
  }
  const hi = done.atHi ?? done.at;
  const lo = Math.min(done.at, Math.max(running.atLo ?? running.at, prev !== undefined ? (prev.startLo ?? prev.start) : running.at));
  const at = prev !== undefined ? Math.round(Math.min(done.at, Math.max(lo, (prev.end + done.at) / 2))) : done.at;
  n.gateOpened = at;
  if (lo !== at) n.gateOpenedLo = lo;
  if (hi !== at) n.gateOpenedHi = hi;
}

/**
 * Branch cases: Flyte names a condition's case nodes after their branch node (`n1-n0`,
 * `node-1-branchnode-0`) and logs them as nodes of their own. A top-level node whose id is another
 * node's id and a `-` suffix, where that node sent no task events (a branch runs no pod), is a case
 * of it: nested under it, so that its time counts once, inside the branch.
 */
export function nestBranchCases(ex: ExecState): void {
  // shorter ids first: a branch inside a branch's case (`n0-n0` in `n0`) is nested before its own
  // cases (`n0-n0-n0`) look for it
  const top = [...ex.nodes.values()].filter((ns) => ns.rec.parent === undefined).sort((a, b) => a.rec.id.length - b.rec.id.length);
  const cases = new Set<string>();
  for (const ns of top) {
    const n = ns.rec;
    for (let dash = n.id.lastIndexOf('-'); dash > 0; dash = n.id.lastIndexOf('-', dash - 1)) {
      const b = ex.nodes.get(n.id.slice(0, dash));
      if (b === undefined || (b.rec.parent !== undefined && !cases.has(b.rec.id)) || (b.rec.taskPhases?.length ?? 0) > 0 || b.rec.kind === 'start' || b.rec.kind === 'end') continue;
      if (b.rec.transitions.length === 0) continue;
      n.parent = b.rec.id;
      b.rec.kind = 'branch';
      cases.add(n.id);
      break;
    }
  }
}
