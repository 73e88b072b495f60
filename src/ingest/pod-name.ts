/**
 * Task pod names back to node ids. Propeller names a task pod `<exec>-<node>-<attempt>`, and an
 * ArrayNode subtask pod `<exec>-<node>-<attempt>-<subnode>-<attempt>` (node ids may themselves
 * contain `-`). Names longer than Kubernetes allows are hashed and cannot be mapped back.
 */

function isDigits(s: string, from: number, to: number): boolean {
  if (to <= from) return false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * The node id encoded in the part of a pod name after `<exec>-`: `n0-0` -> `n0`,
 * `n0-0-n42-0` -> `n0/n42`, `my-node-1` -> `my-node`. Undefined when the text does not end in an
 * attempt number.
 *
 * The name alone is ambiguous when node ids end in digits (`step-0-0` is node `step-0`, attempt
 * 0), so a caller that knows the execution's node ids passes `isKnown`: a known reading wins —
 * first the whole name before the attempt number, then one with some of its `-` read as `/`, then
 * the segmented (ArrayNode) reading.
 */
export function podNodeId(rest: string, isKnown?: (id: string) => boolean): string | undefined {
  if (isKnown === undefined) return segmentedNodeId(rest);
  const dash = rest.lastIndexOf('-');
  const whole = dash > 0 && isDigits(rest, dash + 1, rest.length) ? rest.slice(0, dash) : undefined;
  if (whole !== undefined && isKnown(whole)) return whole;
  // an ArrayNode subtask, `<map>-<attempt>-n<i>-<attempt>`, its map's id read as any node's (nested
  // in a subworkflow or a dynamic node's run: `d-1-m-0-n0-0` is `d-1/m/n0`)
  const sub = SUBTASK.exec(rest);
  if (sub !== null) {
    const map = isKnown(sub[1]!) ? sub[1] : nestedReading(sub[1]!, isKnown);
    if (map !== undefined && isKnown(`${map}/${sub[2]}`)) return `${map}/${sub[2]}`;
  }
  // a known nested reading before the segmented one: `d-1-x-0` is `d-1/x` (a dynamic node's second
  // run) when that node is known, though `d/x` (its first) is known too
  const nested = whole !== undefined ? nestedReading(whole, isKnown) : undefined;
  if (nested !== undefined) return nested;
  const segmented = segmentedNodeId(rest);
  if (segmented !== undefined && isKnown(segmented)) return segmented;
  return segmented ?? whole;
}

/** An ArrayNode subtask pod's name after `<exec>-`: its map's id, and the subnode's. */
const SUBTASK = /^(.+)-\d+-(n\d+)-\d+$/;

/** Most `-` a nested reading tries (2^n readings). */
const MAX_NESTED_DASHES = 6;

/**
 * A known nested node id that the name spells with `-` for `/` (a pod of node `s/x` inside a
 * subworkflow is `<exec>-s-x-<attempt>`): the first reading, any subset of the dashes turned into
 * slashes, that names a known node.
 */
function nestedReading(name: string, isKnown: (id: string) => boolean): string | undefined {
  const dashes: number[] = [];
  for (let i = name.indexOf('-'); i >= 0; i = name.indexOf('-', i + 1)) dashes.push(i);
  if (dashes.length === 0 || dashes.length > MAX_NESTED_DASHES) return undefined;
  for (let mask = 1; mask < 1 << dashes.length; mask++) {
    const chars = [...name];
    dashes.forEach((d, k) => {
      if (mask & (1 << k)) chars[d] = '/';
    });
    const id = chars.join('');
    if (isKnown(id)) return id;
  }
  return undefined;
}

function segmentedNodeId(rest: string): string | undefined {
  const parts: string[] = [];
  let nameStart = 0;
  let pos = 0;
  while (pos <= rest.length) {
    let dash = rest.indexOf('-', pos);
    if (dash < 0) dash = rest.length;
    // A digits-only token that follows a name closes one `<node>-<attempt>` segment.
    if (pos - 1 > nameStart && isDigits(rest, pos, dash)) {
      parts.push(rest.slice(nameStart, pos - 1));
      nameStart = dash + 1;
    }
    pos = dash + 1;
  }
  // Text left over after the last attempt number: not a pod name we can read.
  if (parts.length === 0 || nameStart !== rest.length + 1) return undefined;
  return parts.join('/');
}
