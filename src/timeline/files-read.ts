/**
 * The files a run's loaders read besides those its command line names (a CR a scenario points to
 * with `crd:`, a model): an output must not replace one of them, and only the CLI, which writes the
 * outputs, can check that once the run has read them.
 */
const read = new Set<string>();

export function noteFileRead(path: string): void {
  if (path !== '-') read.add(path);
}

export function filesRead(): string[] {
  return [...read];
}

export function forgetFilesRead(): void {
  read.clear();
}
