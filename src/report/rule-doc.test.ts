import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Rule } from '../analysis/rules/rule.js';
import { GENERATED_MARKER, renderRuleDoc, renderRuleIndex } from './rule-doc.js';

const withOptions: Rule = {
  id: 'example-rule',
  title: 'A title with a | pipe',
  category: 'capacity',
  severity: 'warning',
  rationale: 'Why it matters.',
  sources: ['https://cloud.google.com/a', 'https://cloud.google.com/b'],
  options: {
    headroom: { default: 0.2, description: 'Share of slots kept free | spare.' },
    mode: { default: 'strict', description: 'How to\ncount.' },
    allow: { default: false, description: 'Accept it.' },
  },
  check: () => [],
};

const bare: Rule = { ...withOptions, id: 'bare-rule', title: 'Bare', category: 'security', severity: 'critical', options: undefined };

describe('renderRuleDoc', () => {
  it('renders every field of the metadata, options as a table with defaults', () => {
    assert.equal(
      renderRuleDoc(withOptions),
      [
        GENERATED_MARKER,
        '',
        '# example-rule',
        '',
        '**A title with a | pipe**',
        '',
        '- Category: capacity',
        '- Default severity: warning',
        '',
        '## Why',
        '',
        'Why it matters.',
        '',
        '## Options',
        '',
        '| Option | Default | Description |',
        '| --- | --- | --- |',
        '| `headroom` | `0.2` | Share of slots kept free \\| spare. |',
        '| `mode` | `"strict"` | How to count. |',
        '| `allow` | `false` | Accept it. |',
        '',
        '## Sources',
        '',
        '- <https://cloud.google.com/a>',
        '- <https://cloud.google.com/b>',
        '',
      ].join('\n'),
    );
  });

  it('says so when a rule has no options', () => {
    assert.match(renderRuleDoc(bare), /## Options\n\nThis rule has no options\.\n\n## Sources/);
  });
});

describe('renderRuleIndex', () => {
  it('lists every rule in order, linked to its doc', () => {
    const index = renderRuleIndex([withOptions, bare]);
    assert.ok(index.startsWith(`${GENERATED_MARKER}\n\n# Rules\n`));
    assert.deepEqual(
      index.split('\n').filter((l) => l.startsWith('| [')),
      ['| [example-rule](example-rule.md) | capacity | warning | A title with a \\| pipe |', '| [bare-rule](bare-rule.md) | security | critical | Bare |'],
    );
  });
});
