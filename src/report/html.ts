import type { Verdict } from '../analysis/reachability/path.js';
import { redactSourceLine, redactUrlPasswords } from '../model/redact.js';
import { formatLocation, type Report, type ReportHop, type ReportPath } from './report.js';

/**
 * A self-contained HTML report: the dependency graph as inline SVG (services left, dependencies
 * right, an edge per path, failing edges red and dashed with the cause in a tooltip), the paths,
 * findings and fixes. No script and no external resource: a Content-Security-Policy of
 * `default-src 'none'` makes the browser refuse any request the page could still make, so the file
 * opens the same offline, from a CI artifact or an email attachment.
 *
 * @example
 * fs.writeFileSync('lifeline.html', renderHtml(report));
 */
export function renderHtml(report: Report): string {
  const s = report.summary;
  const title = `Lifeline check: ${report.status}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<link rel="icon" href="data:,">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>Lifeline check: <span class="status status-${report.status.toLowerCase()}">${esc(report.status)}</span></h1>
<p>${s.paths} paths: ${s.reachable} reachable, ${s.unreachable} unreachable, ${s.undetermined} undetermined, ${s.ambiguous} ambiguous · findings: ${s.critical} critical, ${s.warning} warning, ${s.info} info (fails on ${esc(report.failOn)} and above)</p>
<p class="muted">inputs: ${report.inputs.map((i) => `<code>${esc(i)}</code>`).join(', ')}</p>
</header>
<section id="graph">
<h2>Dependency graph</h2>
<p class="legend"><span class="key key-reachable"></span>reachable <span class="key key-failed"></span>unreachable <span class="key key-uncertain"></span>undetermined or ambiguous · hover an edge for its cause, click it for its hops</p>
${renderGraph(report.paths)}
</section>
${renderPaths(report.paths)}
${renderFindings(report)}
${renderFixes(report)}
<footer class="muted">${esc(report.tool.name)} ${esc(report.tool.version)} · report schema ${report.schemaVersion}</footer>
</body>
</html>
`;
}

const VERDICT_CLASS: Readonly<Record<Verdict, 'reachable' | 'failed' | 'uncertain'>> = {
  REACHABLE: 'reachable',
  UNREACHABLE: 'failed',
  AMBIGUOUS: 'uncertain',
  UNDETERMINED: 'uncertain',
};

const NODE = { width: 250, height: 46, gap: 14, top: 12 } as const;
const COLUMN_GAP = 300;

/** Services in the left column, dependencies (by name and target) in the right, one edge per path. */
function renderGraph(paths: readonly ReportPath[]): string {
  if (paths.length === 0) return '<p class="muted">No paths: the topology declares no dependencies.</p>';
  const services = [...new Set(paths.map((p) => p.service))];
  const depKey = (p: ReportPath): string => `${p.dependency}\u0000${p.target}`;
  // Each dependency sits at the mean row of the services using it, which keeps crossings few.
  const barycenter = new Map<string, number[]>();
  for (const p of paths) barycenter.set(depKey(p), [...(barycenter.get(depKey(p)) ?? []), services.indexOf(p.service)]);
  const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const deps = [...barycenter.keys()].sort((a, b) => mean(barycenter.get(a) ?? []) - mean(barycenter.get(b) ?? []));
  const rows = Math.max(services.length, deps.length);
  const height = NODE.top * 2 + rows * NODE.height + (rows - 1) * NODE.gap;
  const width = NODE.width * 2 + COLUMN_GAP;
  const yOf = (index: number, count: number): number => {
    const column = count * NODE.height + (count - 1) * NODE.gap;
    return (height - column) / 2 + index * (NODE.height + NODE.gap);
  };
  const serviceY = (name: string): number => yOf(services.indexOf(name), services.length);
  const depY = (key: string): number => yOf(deps.indexOf(key), deps.length);

  const edges = paths.map((p, i) => {
    const cls = VERDICT_CLASS[p.verdict];
    const x1 = NODE.width;
    const y1 = serviceY(p.service) + NODE.height / 2;
    const x2 = NODE.width + COLUMN_GAP;
    const y2 = depY(depKey(p)) + NODE.height / 2;
    const bend = COLUMN_GAP / 2;
    const d = `M${x1} ${y1} C${x1 + bend} ${y1} ${x2 - bend} ${y2} ${x2 - 6} ${y2}`;
    // The midpoint of a cubic Bézier at t = ½, where the failure mark goes.
    const mx = (x1 + 3 * (x1 + bend) + 3 * (x2 - bend) + x2 - 6) / 8;
    const my = (y1 + y2) / 2;
    const hop = decisiveHop(p);
    const tip = `${p.service} → ${p.dependency}: ${p.verdict}${p.cause ? ` (${p.cause})` : ''}${hop ? ` at ${hop.step}: ${hop.detail}` : ''}`;
    const mark = cls === 'reachable' ? '' : `<circle class="mark" cx="${mx}" cy="${my}" r="9"/><text class="mark-text" x="${mx}" y="${my + 4}">${cls === 'failed' ? '✗' : '?'}</text>`;
    return (
      `<a href="#path-${i}"><g class="edge ${cls}" data-service="${esc(p.service)}" data-dependency="${esc(p.dependency)}" data-verdict="${p.verdict}"${p.cause ? ` data-cause="${esc(p.cause)}"` : ''}>` +
      `<title>${esc(tip)}</title><path class="edge-hit" d="${d}"/><path class="edge-line" d="${d}" marker-end="url(#arrow-${cls})"/>${mark}</g></a>`
    );
  });
  const worst = (key: string): string => {
    const verdicts = paths.filter((p) => depKey(p) === key).map((p) => VERDICT_CLASS[p.verdict]);
    return verdicts.includes('failed') ? 'failed' : verdicts.includes('uncertain') ? 'uncertain' : 'reachable';
  };
  const node = (x: number, y: number, cls: string, name: string, sub: string): string =>
    `<g class="node ${cls}"><title>${esc(`${name}\n${sub}`)}</title><rect x="${x}" y="${y}" width="${NODE.width}" height="${NODE.height}" rx="6"/>` +
    `<text x="${x + 10}" y="${y + 19}" class="node-name">${esc(clip(name, 30))}</text><text x="${x + 10}" y="${y + 36}" class="node-sub">${esc(clip(sub, 38))}</text></g>`;
  const serviceNodes = services.map((name) => {
    const own = paths.filter((p) => p.service === name);
    return node(0, serviceY(name), 'service', name, `Cloud Run · ${own.filter((p) => p.verdict === 'REACHABLE').length}/${own.length} reachable`);
  });
  const depNodes = deps.map((key) => {
    const p = paths.find((q) => depKey(q) === key);
    return p ? node(NODE.width + COLUMN_GAP, depY(key), `dependency ${worst(key)}`, p.dependency, `${p.kind ?? 'unknown kind'} · ${p.target}`) : '';
  });
  const arrow = (cls: string): string =>
    `<marker id="arrow-${cls}" class="arrow ${cls}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5" markerHeight="5" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z"/></marker>`;
  return (
    `<svg class="graph" role="img" aria-labelledby="graph-title" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">` +
    `<title id="graph-title">Dependency graph: ${services.length} services, ${deps.length} dependencies, ${paths.length} paths</title>` +
    `<defs>${arrow('reachable')}${arrow('failed')}${arrow('uncertain')}</defs>` +
    `<g class="edges">${edges.join('')}</g><g class="nodes">${serviceNodes.join('')}${depNodes.join('')}</g></svg>`
  );
}

function renderPaths(paths: readonly ReportPath[]): string {
  const rows = paths.map((p, i) => {
    const hop = decisiveHop(p);
    const hops = p.hops
      .map((h) => `<li class="hop-${h.outcome}"><b>${esc(h.step)}</b> <span class="muted">${esc(h.outcome)}${h.cause ? ` ${esc(h.cause)}` : ''}, ${esc(h.confidence)}</span><br>${esc(h.detail)}${h.fact ? `<br><span class="muted">${esc(h.fact.statement)} (${esc(h.fact.source)})</span>` : ''}${h.location ? `<br><span class="muted">at ${esc(where(h.location))}</span>` : ''}</li>`)
      .join('');
    return (
      `<tr id="path-${i}" class="${VERDICT_CLASS[p.verdict]}"><td>${esc(p.service)}</td><td>${esc(p.dependency)}</td><td><code>${esc(p.target)}</code></td>` +
      `<td><span class="verdict ${VERDICT_CLASS[p.verdict]}">${esc(p.verdict)}</span></td><td>${esc(p.cause ?? '')}</td>` +
      `<td><details><summary>${hop ? esc(`${hop.step}: ${clip(redactUrlPasswords(hop.detail), 90)}`) : `${p.hops.length} hops`}</summary><ol>${hops}</ol>` +
      `${p.assumptions.length > 0 ? `<p class="muted">assumes: ${p.assumptions.map(esc).join('; ')}</p>` : ''}</details></td><td>${esc(where(p.location))}</td></tr>`
    );
  });
  return `<section id="paths"><h2>Paths</h2><table>${cols(9, 10, 17, 11, 15, 26, 12)}<thead><tr><th>Service</th><th>Dependency</th><th>Target</th><th>Verdict</th><th>Cause</th><th>Hops</th><th>Where</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

function renderFindings(report: Report): string {
  const title = (id: string): string => report.rules.find((r) => r.id === id)?.title ?? '';
  const rows = report.findings.map(
    (f) =>
      `<tr class="${f.severity}"><td><span class="severity ${f.severity}">${esc(f.severity)}</span></td><td><code>${esc(f.ruleId)}</code><br><span class="muted">${esc(title(f.ruleId))}</span></td><td>${esc(where(f.location))}</td><td>${esc(f.message)}</td></tr>`,
  );
  const findings =
    rows.length === 0
      ? '<p>No findings.</p>'
      : `<table>${cols(9, 17, 16, 58)}<thead><tr><th>Severity</th><th>Rule</th><th>Where</th><th>Message</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
  const suppressed =
    report.suppressed.length === 0
      ? ''
      : `<h3>Suppressed (${report.suppressed.length})</h3><table>${cols(9, 17, 16, 38, 20)}<thead><tr><th>Severity</th><th>Rule</th><th>Where</th><th>Message</th><th>Why</th></tr></thead><tbody>${report.suppressed
          .map(
            (x) =>
              `<tr><td>${esc(x.severity)}</td><td><code>${esc(x.ruleId)}</code></td><td>${esc(where(x.location))}</td><td>${esc(x.message)}</td><td>${esc(`${x.by}: ${x.reason}${x.expires ? ` (until ${x.expires})` : ''}`)}</td></tr>`,
          )
          .join('')}</tbody></table>`;
  return `<section id="findings"><h2>Findings</h2>${findings}${suppressed}</section>`;
}

function renderFixes(report: Report): string {
  if (report.fixes.length === 0 && report.rejectedFixes.length === 0) return '';
  const fixes = report.fixes.map((fix) => {
    const changes = fix.changes.map((c) => `<p><code>${esc(c.file)}${c.line === undefined ? '' : `:${c.line}`}</code></p><pre class="diff"><code>${diffLines(c.patch)}</code></pre>`).join('');
    return (
      `<article class="fix${fix.recommended ? ' recommended' : ''}" id="${esc(fix.id)}"><h3>${fix.recommended ? '<span class="badge">★ recommended</span> ' : ''}${esc(fix.id)}: ${esc(fix.title)}</h3>` +
      `<p>resolves: ${esc(fix.resolves.map((r) => `${r.service} → ${r.dependency}`).join(', '))}</p>${changes}</article>`
    );
  });
  const rejected =
    report.rejectedFixes.length === 0 ? '' : `<h3>Rejected candidates</h3><ul>${report.rejectedFixes.map((r) => `<li>${esc(r.title)}<br><span class="muted">${esc(r.reason)}</span></li>`).join('')}</ul>`;
  return `<section id="fixes"><h2>Fixes</h2><p class="muted">Each verified by re-analysis: it repairs the paths listed and breaks none.</p>${fixes.join('')}${rejected}</section>`;
}

/** A patch's lines, coloured by kind; secret-looking values in context lines are redacted. */
function diffLines(patch: string): string {
  return patch
    .split('\n')
    .map((raw) => {
      const line = redactSourceLine(raw);
      const cls = line.startsWith('@@') ? 'hunk' : line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : 'ctx';
      return `<span class="${cls}">${esc(line)}</span>`;
    })
    .join('\n');
}

/** Column widths in percent: the tables use a fixed layout so long targets wrap instead of widening the page. */
const cols = (...widths: number[]): string => `<colgroup>${widths.map((w) => `<col style="width:${w}%">`).join('')}</colgroup>`;

function decisiveHop(path: ReportPath): ReportHop | undefined {
  return path.hops.find((h) => h.outcome === 'drop') ?? path.hops.find((h) => h.outcome === 'undetermined') ?? path.hops.find((h) => h.outcome === 'ambiguous');
}

const where = formatLocation;

/** Shortens redacted text to `max` characters (redacting first: a cut URL would escape redaction). */
function clip(text: string, max: number): string {
  const redacted = redactUrlPasswords(text);
  return redacted.length > max ? `${redacted.slice(0, max - 1)}…` : redacted;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/** Text for element content and attribute values: redacted, control characters spelled out, markup escaped. */
function esc(value: string): string {
  return redactUrlPasswords(value)
    .replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const CSS = `
:root{--fg:#202124;--muted:#5f6368;--bg:#fff;--line:#dadce0;--ok:#188038;--bad:#d93025;--warn:#e37400;--panel:#f8f9fa;--node:#e8f0fe;--node-line:#1a73e8}
@media (prefers-color-scheme:dark){:root{--fg:#e8eaed;--muted:#9aa0a6;--bg:#202124;--line:#5f6368;--ok:#81c995;--bad:#f28b82;--warn:#fdd663;--panel:#292a2d;--node:#1e2a3d;--node-line:#8ab4f8}}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1200px;padding:24px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
h1{font-size:22px;margin:0 0 8px}h2{font-size:18px;margin:28px 0 10px;border-bottom:1px solid var(--line);padding-bottom:4px}h3{font-size:15px;margin:16px 0 6px}
code,pre{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.muted{color:var(--muted)}
.status{padding:2px 8px;border-radius:4px;color:#fff}.status-healthy{background:var(--ok)}.status-degraded{background:var(--warn)}.status-critical{background:var(--bad)}
.legend .key{display:inline-block;width:28px;height:0;border-top:3px solid var(--ok);margin:0 6px 3px 12px;vertical-align:middle}
.legend .key-failed{border-top:3px dashed var(--bad)}.legend .key-uncertain{border-top:3px dotted var(--warn)}
svg.graph{display:block;max-width:100%;height:auto;overflow:visible}
.node rect{fill:var(--node);stroke:var(--node-line);stroke-width:1.2}
.node.dependency rect{fill:var(--panel);stroke:var(--line)}
.node.dependency.failed rect{stroke:var(--bad);stroke-width:2}.node.dependency.uncertain rect{stroke:var(--warn);stroke-width:2}
.node-name{font-weight:600;font-size:13px;fill:var(--fg)}.node-sub{font-size:11px;fill:var(--muted)}
.edge .edge-line{fill:none;stroke-width:2}.edge .edge-hit{fill:none;stroke:transparent;stroke-width:12}
.edge.reachable .edge-line{stroke:var(--ok)}
.edge.failed .edge-line{stroke:var(--bad);stroke-dasharray:7 5;stroke-width:2.5}
.edge.uncertain .edge-line{stroke:var(--warn);stroke-dasharray:2 4;stroke-width:2.5}
.edge:hover .edge-line{stroke-width:4}
.edge .mark{fill:var(--bg);stroke-width:2}.edge.failed .mark{stroke:var(--bad)}.edge.uncertain .mark{stroke:var(--warn)}
.mark-text{font-size:12px;font-weight:700;text-anchor:middle}.edge.failed .mark-text{fill:var(--bad)}.edge.uncertain .mark-text{fill:var(--warn)}
.arrow.reachable path{fill:var(--ok)}.arrow.failed path{fill:var(--bad)}.arrow.uncertain path{fill:var(--warn)}
table{border-collapse:collapse;width:100%;margin:8px 0;table-layout:fixed}th,td{border:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere}th{background:var(--panel)}
tr:target{outline:2px solid var(--node-line)}
.verdict,.severity,.badge{font-weight:600;white-space:nowrap}.verdict.reachable{color:var(--ok)}.verdict.failed,.severity.critical{color:var(--bad)}.verdict.uncertain,.severity.warning{color:var(--warn)}
details summary{cursor:pointer}ol{margin:6px 0;padding-left:20px}li{margin:4px 0}.hop-drop{color:var(--bad)}.hop-undetermined,.hop-ambiguous{color:var(--warn)}
.fix{border:1px solid var(--line);border-radius:6px;padding:4px 12px;margin:10px 0}.fix.recommended{border-color:var(--ok)}.badge{color:var(--ok)}
pre.diff{background:var(--panel);padding:8px;overflow-x:auto}.diff .add{color:var(--ok)}.diff .del{color:var(--bad)}.diff .hunk{color:var(--muted)}
footer{margin-top:32px;font-size:12px}
`;
