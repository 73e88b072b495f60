import type { Distribution } from '../engine/distributions.js';

/**
 * A workflow as the simulator runs it: a DAG of nodes with everything the propeller model
 * needs (types, runtimes, sizes). Scenario files and FlyteWorkflow CRs are both compiled into
 * this form (see scenario.ts and crd.ts), so the simulator has one input shape.
 * Durations are seconds (distributions); sizes are bytes.
 */
export type WorkflowNodeKind =
  | 'start'
  | 'end'
  | 'task'
  | 'map'
  | 'dynamic'
  | 'subworkflow'
  | 'launchplan'
  | 'branch'
  | 'gate';

export interface WorkflowNode {
  id: string;
  kind: WorkflowNodeKind;
  /** Upstream node ids in the same workflow (from `connections`). start-node has none. */
  upstream: string[];
  /** Task type (`python-task`, `container_array`, `sidecar`, ...), for tasks and maps. */
  taskType?: string;
  /** User-code runtime of one pod attempt. Default: the scenario/model default runtime. */
  runtime?: Distribution;
  /**
   * Number of attempts whose pod fails (a retryable user error) before the one that succeeds.
   * Default 0. With `maxAttempts`, a node whose failing attempts use them all fails.
   */
  failedAttempts?: number;
  /**
   * Attempts the node may make (its retry strategy's `minAttempts`: retries + 1). Absent: every
   * failing attempt is retried.
   */
  maxAttempts?: number;
  /**
   * Node deadlines in seconds (the CR's `activeDeadline`/`executionDeadline`; flytekit's `timeout`
   * compiles to execution = timeout, active = 2 x timeout). Absent or 0: the model's default
   * (`propeller.nodeActiveDeadlineSeconds` / `nodeExecutionDeadlineSeconds`, 0 = none). Active runs
   * from the node's first Queued and ends it TimedOut; execution runs from the current attempt's
   * start and fails the attempt (retried while attempts are left).
   */
  activeDeadline?: number;
  executionDeadline?: number;
  /** Cacheable task: whether the catalog lookup hits. Absent: not cacheable. */
  /**
   * Cacheable: its catalog lookup hits or misses. `overwrite` (the execution's OverwriteCache):
   * no lookup at all (CACHE_SKIPPED), the outputs are written to the catalog as after a miss.
   */
  cache?: { hit: boolean; overwrite?: boolean };
  /** Bytes of the node's inputs.pb and outputs.pb. */
  inputBytes?: number;
  outputBytes?: number;
  /** Map task (ArrayNode): number of subtasks and concurrency (0 = unlimited). */
  map?: {
    size: number;
    parallelism: number;
    runtime?: Distribution;
    /**
     * Parallelism unset (an ArrayNode's nil `Parallelism`, as opposed to an explicit 0): the
     * 'hybrid' behaviour (`arrayParallelismBehavior`) then runs the subnodes within the workflow's
     * max parallelism; the default 'unlimited' runs them all.
     */
    workflowParallelism?: boolean;
    /**
     * Subtasks that fail every attempt, spread evenly over the indices (the node's `failedAttempts`
     * and `maxAttempts` apply to each subtask; the ArrayNode itself never retries).
     */
    failing?: number;
    /** Success criteria (`min_successes`, else `min_success_ratio`; default: every subtask). */
    minSuccesses?: number;
    minSuccessRatio?: number;
    /**
     * Set when the array's inputs are invalid (lists of different lengths): the node fails in its
     * first round (`InvalidArrayLength`, a user error), before any subnode runs. The message.
     */
    invalid?: string;
  };
  /** Dynamic: the sub-DAG the parent task yields at run time. */
  dynamic?: WorkflowDef;
  /** Inline subworkflow. */
  subworkflow?: WorkflowDef;
  /** Launch plan: the child execution's workflow (on a map node: each subnode launches one). */
  launchplan?: WorkflowDef;
  /** Launch plan, in a replay: the child execution's measured quantities (`ExecutionPlan.replay`). */
  launchplanReplay?: Record<string, { runtime?: number; podStart?: number }>;
  /** Branch: the ids of the case nodes (in the same workflow's `nodes`, with no upstream) and the one taken. */
  branch?: BranchDef;
  /** Gate: how long the signal/sleep takes. */
  gate?: Distribution;
  /** Node id this node belongs to when it is a branch case (its status lives under the branch). */
  branchOf?: string;
}

export interface WorkflowDef {
  /** Workflow name (`project:domain:name` style or a short name). */
  name: string;
  nodes: WorkflowNode[];
  /**
   * Serialized spec size in bytes (nodes, connections, task templates, inputs): what every etcd
   * write carries unless the closure is offloaded. From a CR it is the real size.
   */
  specBytes: number;
  /** Size of the task templates inside specBytes (offloading the closure removes them and the node specs). */
  closureBytes?: number;
  /** Per-execution max parallelism, as the CR's `executionConfig.MaxParallelism` says it (0 = no limit); unset: the model's. */
  maxParallelism?: number;
  /**
   * The workflow's failure node (`onFailure` in a CR): outside the DAG, it runs only when the
   * workflow fails (phase HandlingFailureNode, then Failed). Listed in the record so reports name
   * it; not started in a successful run. A subworkflow's failure node is listed, never run.
   */
  failureNode?: WorkflowNode;
  /**
   * What a failed node does to the rest (`onFailurePolicy`): by default the workflow fails at
   * once; with 'afterExecutableNodesComplete' (FAIL_AFTER_EXECUTABLE_NODES_COMPLETE) the nodes
   * that can still run do, those downstream of a failure are skipped, and the workflow fails once
   * nothing is left to run.
   */
  onFailurePolicy?: 'immediately' | 'afterExecutableNodesComplete';
}

/** One execution to simulate. */
export interface ExecutionPlan {
  id: string;
  /** Arrival (CR creation) time, seconds from t=0. */
  arrival: number;
  project: string;
  domain: string;
  /** Kubernetes namespace of the CR (`<project>-<domain>` by default). */
  namespace: string;
  workflow: WorkflowDef;
  /**
   * Replay: measured quantities to keep instead of sampling, keyed by node id (nested ids with
   * `/`). Only what the recording measured; everything else is resampled.
   */
  replay?: Record<string, { runtime?: number; podStart?: number; failedAttempts?: number }>;
}

/** A scenario: what to simulate. */
export interface Scenario {
  name: string;
  /** What the scenario shows, for the report header. */
  description: string;
  executions: ExecutionPlan[];
}

/** A branch node's cases and the one it takes. */
export interface BranchDef {
  cases: string[];
  taken: string;
  /**
   * Set when no case matches and the branch fails with this message (propeller's `elseFail`, or
   * "No branch satisfied"): every case is skipped and `taken` is not run.
   */
  fails?: string;
  /** The failure is a comparison propeller refuses (different primitive kinds, booleans ordered): it fails before skipping any case. */
  malformed?: true;
  /** How the case was chosen: the CR's recorded status, or the conditions on the execution's inputs (else: the first case). */
  by?: 'status' | 'inputs';
}
