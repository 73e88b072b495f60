/**
 * Size model of a FlyteWorkflow CR spec when no real CR is at hand. Fitted by eye to the
 * compact JSON of the flytesnacks CRs (status removed): ~1.1-1.5 kB of fixed parts (metadata,
 * labels, inputs, execution config), ~130-430 B per node spec (id, name, kind, task reference,
 * input bindings), ~0.7-1.4 kB per task template (id, interface, container image and args) and
 * ~50 B per edge (each edge appears in `connections`, `edges.downstream` and `edges.upstream`).
 */
export const CR_BASE_BYTES = 1200;
export const NODE_SPEC_BYTES = 220;
export const TASK_TEMPLATE_BYTES = 1000;
export const EDGE_BYTES = 50;
/** An entry of `subWorkflows` besides its nodes and edges (id, outputs, output bindings). */
export const SUBWORKFLOW_HEADER_BYTES = 200;

export interface SpecParts {
  /** Node specs (start and end included), edges, and the distinct task templates' sizes. */
  nodes: number;
  edges: number;
  templates: readonly number[];
  /** Inline subworkflows: bytes of each distinct one (header, nodes and edges). */
  subworkflows?: readonly number[];
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** Estimated spec bytes of a standalone CR and the part an offloaded closure removes. */
export function estimateSpec(parts: SpecParts): { specBytes: number; closureBytes: number } {
  const nodeBytes = parts.nodes * NODE_SPEC_BYTES;
  const templates = sum(parts.templates);
  const subs = sum(parts.subworkflows ?? []);
  return {
    specBytes: CR_BASE_BYTES + nodeBytes + parts.edges * EDGE_BYTES + templates + subs,
    closureBytes: nodeBytes + templates + subs,
  };
}

/** Estimated bytes of one inline subworkflow entry (its templates live in the parent's `tasks`). */
export function estimateSubworkflow(nodes: number, edges: number): number {
  return SUBWORKFLOW_HEADER_BYTES + nodes * NODE_SPEC_BYTES + edges * EDGE_BYTES;
}
