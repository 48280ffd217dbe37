import { FACTS, factLink } from '../analysis/reachability/facts.js';
import type { Rule, RuleOptionValue } from '../analysis/rules/rule.js';

/**
 * The first line of every generated doc: `explain --write-docs` removes stale files that carry it
 * (a rule was renamed or removed) and leaves every other file alone.
 */
export const GENERATED_MARKER = '<!-- Generated from the rule metadata by `lifeline explain --write-docs docs/rules`. Do not edit. -->';

/** A table cell: one line, pipes escaped. */
function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}

function formatDefault(value: RuleOptionValue): string {
  return `\`${typeof value === 'string' ? JSON.stringify(value) : String(value)}\``;
}

/**
 * The Markdown doc of one rule, from its metadata alone (docs are never written by hand, so they
 * cannot drift from the check).
 *
 * @example
 * fs.writeFileSync(`docs/rules/${rule.id}.md`, renderRuleDoc(rule));
 */
export function renderRuleDoc(rule: Rule): string {
  const options = Object.entries(rule.options ?? {});
  const lines = [
    GENERATED_MARKER,
    '',
    `# ${rule.id}`,
    '',
    `**${rule.title}**`,
    '',
    `- Category: ${rule.category}`,
    `- Default severity: ${rule.severity}`,
    '',
    '## Why',
    '',
    rule.rationale,
    '',
    '## Options',
    '',
    ...(options.length === 0
      ? ['This rule has no options.']
      : ['| Option | Default | Description |', '| --- | --- | --- |', ...options.map(([name, o]) => `| \`${name}\` | ${formatDefault(o.default)} | ${cell(o.description)} |`)]),
    '',
    '## Sources',
    '',
    ...rule.sources.map((url) => `- <${url}>`),
    '',
    ...((rule.facts ?? []).length === 0
      ? []
      : ['## Platform facts', '', ...(rule.facts ?? []).map((id) => `- [${id}](${factLink(id, 'docs/rules')}) (${FACTS[id].confidence}): ${FACTS[id].statement}`), '']),
  ];
  return lines.join('\n');
}

/**
 * The index of the rule docs (`README.md` beside them): one table row per rule, in registry order.
 *
 * @example
 * fs.writeFileSync('docs/rules/README.md', renderRuleIndex(RULES));
 */
export function renderRuleIndex(rules: readonly Rule[]): string {
  return [
    GENERATED_MARKER,
    '',
    '# Rules',
    '',
    'Every rule Lifeline runs, in report order. `lifeline explain ID` prints the same page in a terminal.',
    '',
    '| Rule | Category | Default severity | Title |',
    '| --- | --- | --- | --- |',
    ...rules.map((r) => `| [${r.id}](${r.id}.md) | ${r.category} | ${r.severity} | ${cell(r.title)} |`),
    '',
  ].join('\n');
}
