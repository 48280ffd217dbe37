import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Position } from '../document.js';
import { dockerfileInvocations, makefileInvocations } from './recipes.js';
import type { Invocation, Word } from './words.js';

const fail = (at: Position, message: string): never => {
  throw new Error(`${at.line}:${at.column} ${message}`);
};

const show = (word: Word): string => word.pieces.map((p) => (p.kind === 'text' ? p.text : `⟨${p.source}⟩`)).join('');
const positions = (inv: Invocation | undefined): [string, number, number][] => (inv?.words ?? []).map((w) => [show(w), w.at.line, w.at.column]);

describe('makefileInvocations', () => {
  it('reads recipe lines with make variables, $$ for the shell, and continuation lines', () => {
    const makefile = [
      'REGION := europe-west1',
      'SERVICE = api',
      'EGRESS ?= private-ranges-only',
      '',
      '.PHONY: deploy',
      'deploy: build',
      '\t@echo deploying $(SERVICE)',
      '\t-gcloud run deploy $(SERVICE) --region ${REGION} \\',
      '\t  --vpc-egress $(EGRESS) --max-instances $$MAX --tag $@',
      '',
    ].join('\n');
    const [command] = makefileInvocations('Makefile', makefile, fail);
    assert.deepEqual(positions(command), [
      ['gcloud', 8, 3],
      ['run', 8, 10],
      ['deploy', 8, 14],
      ['api', 8, 21],
      ['--region', 8, 32],
      ['europe-west1', 8, 41],
      ['--vpc-egress', 9, 4],
      ['⟨$(EGRESS)⟩', 9, 17],
      ['--max-instances', 9, 27],
      ['⟨$MAX⟩', 9, 43],
      ['--tag', 9, 49],
      ['⟨$@⟩', 9, 55],
    ]);
    assert.deepEqual(command?.words[7]?.pieces, [{ kind: 'unknown', source: '$(EGRESS)', why: 'which Makefile sets with ?= (the environment may set it instead)' }]);
    assert.deepEqual(command.words[9]?.pieces, [{ kind: 'unknown', source: '$MAX', why: 'which is not set in Makefile' }]);
  });

  it('ignores lines outside recipes, and make functions are left to make', () => {
    const makefile = 'NAME := $(shell git rev-parse --short HEAD)\n\tgcloud run deploy not-a-recipe\nall:\n\tgcloud run deploy api-$(NAME)\n';
    const commands = makefileInvocations('Makefile', makefile, fail).map((inv) => inv.words.map(show));
    assert.deepEqual(commands, [['gcloud', 'run', 'deploy', 'api-⟨$(shell git rev-parse --short HEAD)⟩']]);
  });
});

describe('dockerfileInvocations', () => {
  it('reads shell-form RUN instructions with ENV and ARG defaults before them', () => {
    const dockerfile = [
      'FROM gcr.io/google.com/cloudsdktool/google-cloud-cli:slim',
      'ARG REGION=europe-west1',
      'ENV SERVICE=api EGRESS="private-ranges-only"',
      'ENV LEGACY value with spaces',
      '# RUN gcloud run deploy commented-out',
      'RUN --mount=type=secret,id=key gcloud run deploy ${SERVICE} \\',
      '    --region=$REGION --vpc-egress "$EGRESS" --labels "$LEGACY"',
      'RUN ["gcloud", "run", "deploy", "exec-form"]',
      '',
    ].join('\n');
    const invocations = dockerfileInvocations('Dockerfile', dockerfile, fail);
    assert.deepEqual(
      invocations.map((inv) => inv.words.map(show)),
      [['gcloud', 'run', 'deploy', 'api', '--region=europe-west1', '--vpc-egress', 'private-ranges-only', '--labels', 'value with spaces']],
    );
    assert.deepEqual(invocations[0]?.words[6]?.at, { line: 7, column: 35 });
  });
});
