/**
 * One decoded log line, whatever its envelope (flytestdlib JSON, GCP, logrus text, klog; CRI,
 * `kubectl --timestamps` and multi-pod tailer prefixes removed). This is the boundary between
 * the line reader (`lines.ts`) and the folder (`fold.ts`).
 */
export interface LogRecord {
  /** Input label (file path or `-`) and 1-based physical line number, for messages. */
  file: string;
  line: number;
  /** Epoch seconds (UTC) of the instant (integer). */
  sec: number;
  /** Nanoseconds within the second of the lower bound of the instant (0 for whole-second stamps). */
  nsec: number;
  /**
   * Width of the uncertainty interval in ns: the instant lies in `[sec*1e9 + nsec, sec*1e9 + nsec + resNs)`.
   * 1e9 for whole-second stamps, 1000 for klog, `10^(9-digits)` for a timestamp with a fraction
   * (CRI / `kubectl --timestamps` prefixes: 1 for nine digits; RFC3339Nano drops trailing zeros,
   * so fewer digits err on the wide side).
   */
  resNs: number;
  /**
   * Best estimate of the nanoseconds within the second, from the line's position among the lines
   * of the same stream stamped with the same second (k-th of n -> (k+1)/(n+1) s); equals `nsec`
   * for exact stamps.
   */
  estNsec: number;
  /**
   * Normalized level: debug, info, warning, error, fatal, panic (GCP CRITICAL -> fatal, ALERT and
   * EMERGENCY -> panic); an unknown level is passed through lower-cased; '' when the line has none.
   */
  level: string;
  msg: string;
  /**
   * Context fields (flytestdlib `json`/`data`, top-level keys of a data-key-less JSON layout, or
   * text key=values): `exec_id`, `ns`, `routine`, `node`, `wf`, `res_ver`, `tasktype`. Absent
   * (undefined) when the line does not carry them or carries an empty string. klog
   * `error syncing 'ns/name'` lines fill `ns` and `execId` from the key.
   */
  execId?: string;
  ns?: string;
  routine?: string;
  node?: string;
  wf?: string;
  resVer?: string;
  tasktype?: string;
  /** Stream the line came from (pod name from a tailer prefix), when several propeller replicas are interleaved. */
  replica?: string;
  /**
   * 'klog' for k8s klog lines; 'propeller' for every flytestdlib-layout line (JSON, GCP, text),
   * whichever Flyte component wrote it (the folder tells components apart).
   */
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
  | 'untimed' // an execution's line from a known propeller message that carries no timing information
  | 'unrecognized' // an execution's line whose message propsim does not know
  | 'filtered' // excluded by --exec (not decoded)
  | 'joined' // a CRI partial-line fragment after the first, joined into the record of the first
  | 'duplicate' // the same bytes with the same sub-second collector stamp again (a shipper's retry, overlapping exports)
  | 'late' // a line of an execution the folder had already handed over
  | 'empty';
