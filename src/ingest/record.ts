/**
 * One decoded log line, whatever its envelope (flytestdlib JSON, GCP, logrus text, klog; CRI,
 * `kubectl --timestamps` and multi-pod tailer prefixes removed). This is the boundary between
 * the line reader (`lines.ts`) and the folder (`fold.ts`).
 */
export interface LogRecord {
  /** Input label (file path or `-`) and 1-based physical line number, for messages. */
  file: string;
  line: number;
  /** Epoch seconds of the instant (integer). */
  sec: number;
  /** Nanoseconds within the second of the lower bound of the instant (0 for whole-second stamps). */
  nsec: number;
  /** Width of the uncertainty interval in ns: 1e9 for whole-second stamps, 1 for RFC3339Nano, 1000 for klog. */
  resNs: number;
  /**
   * Best estimate of the nanoseconds within the second, from the line's position among the lines
   * of the same stream stamped with the same second (k-th of n -> (k+1)/(n+1) s); equals `nsec`
   * for exact stamps.
   */
  estNsec: number;
  /** Normalized level: debug, info, warning, error, fatal, panic. */
  level: string;
  msg: string;
  /** Context fields (flytestdlib `json`/`data`, or text key=values). */
  execId?: string;
  ns?: string;
  routine?: string;
  node?: string;
  wf?: string;
  resVer?: string;
  tasktype?: string;
  /** Stream the line came from (pod name from a tailer prefix), when several propeller replicas are interleaved. */
  replica?: string;
  /** 'propeller' for flytestdlib lines, 'klog' for k8s klog lines. */
  kind: 'propeller' | 'klog';
}

/** Why a physical line was not used. Keys of `LineStats.skipped`. */
export type SkipReason =
  | 'notJson' // not any known log envelope
  | 'truncated' // a JSON object cut short
  | 'noTimestamp' // a recognizable line without a usable time
  | 'badTimestamp'
  | 'otherComponent' // a well-formed line from another Flyte component / unrelated message
  | 'noExecution' // a propeller line that names no execution (and cannot be attributed)
  | 'unrecognized' // an execution's propeller line whose message carries no timing information
  | 'filtered' // excluded by --exec
  | 'empty';
