/**
 * lifeline: reachability analysis of cloud topologies and live probes. Every public export is
 * named here; the runtime library for services is `lifeline/runtime`.
 */
export { analyzeTopology, type Analysis } from './analysis/analyze.js';
export { analyzeReachability, indexTopology } from './analysis/reachability/engine.js';
export type { Cause, Confidence, Hop, PathResult, Step, Verdict } from './analysis/reachability/path.js';
export { FACTS, type Fact, type FactId } from './analysis/reachability/facts.js';
export { RULES, type Finding, type Rule, type Severity } from './analysis/rules/index.js';
export type { Edit } from './analysis/fixes/edit.js';
export type { Fix, RejectedFix } from './analysis/fixes/propose.js';
export { buildTopology } from './model/build.js';
export { topologyFileSchema, topologyJsonSchema, type TopologyFile } from './model/schema.js';
export type { Dependency, Service, Target, Topology } from './model/topology.js';
export { loadTopologyFile, parseTopology } from './sources/topology-file.js';
export { InputError, type Diagnostic } from './sources/errors.js';
export { buildReport, type Report } from './report/report.js';
export { renderJson } from './report/json.js';
export { renderText } from './report/text.js';
export { renderSarif } from './report/sarif.js';
export { renderJunit } from './report/junit.js';
export { renderMarkdown } from './report/markdown.js';
export { renderHtml } from './report/html.js';
export { runProbe, runProbes, type ProbeOptions, type ProbeSpec } from './probes/run.js';
export type { PhaseTiming, ProbeOutcome, ProbeResult } from './probes/outcome.js';
export { VERSION } from './version.js';
