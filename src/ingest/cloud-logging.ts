/**
 * Google Cloud Logging entries (`gcloud logging read --format=json` output, log sinks to Cloud
 * Storage or Pub/Sub): the container's JSON line sits in `jsonPayload`, and the entry carries the
 * runtime's receive time (`timestamp`, RFC3339 with nanoseconds) and the pod it came from.
 */

export interface CloudLoggingEntry {
  /** The container's own JSON object (flytestdlib JSON or GCP layout). */
  payload: Record<string, unknown>;
  /** The entry's `timestamp` (finer than the payload's whole seconds), when present. */
  timestamp: unknown;
  /** `resource.labels.pod_name` of a Kubernetes container entry. */
  pod: string | undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The entry's parts when `o` is a Cloud Logging entry with a JSON payload; else undefined. */
export function cloudLoggingEntry(o: Record<string, unknown>): CloudLoggingEntry | undefined {
  const payload = o.jsonPayload;
  if (!isObject(payload)) return undefined;
  const labels = isObject(o.resource) && isObject(o.resource.labels) ? o.resource.labels : undefined;
  const pod = labels !== undefined && typeof labels.pod_name === 'string' && labels.pod_name !== '' ? labels.pod_name : undefined;
  return { payload, timestamp: o.timestamp, pod };
}
