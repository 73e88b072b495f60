/** Public API of the metrics layer: overhead report, infrastructure statistics, diff. */
export { computeReport, executionReport, ReportAccumulator } from './report.js';
export { renderReport, renderReportHead, renderExecutionText, renderReportTail, renderReportSummary, renderInfra, overallSpreadRows, type RenderReportOptions } from './render-report.js';
export { diffReports, delta, type Delta, type DiffJson, type ExecutionDiff, type NodeDiff } from './diff.js';
export { renderDiff } from './render-diff.js';
export { infraStats, executionCounts } from './infra.js';
export { executionOverhead, ratio, type ExecutionOverhead, type NodeOverhead } from './overhead.js';
export { criticalPath, type CriticalPath } from './critical-path.js';
export { nearestRank, summarize } from './quantile.js';
export * from './report-json.js';
