import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Position } from '../document.js';
import { InputError } from '../errors.js';
import { ciInvocations } from './ci-yaml.js';
import type { Invocation, Word } from './words.js';

const fail = (at: Position, message: string): never => {
  throw new Error(`${at.line}:${at.column} ${message}`);
};

const read = (yaml: string): Invocation[] => ciInvocations('ci.yml', yaml, fail);
const show = (word: Word): string => word.pieces.map((p) => (p.kind === 'text' ? p.text : `⟨${p.source}⟩`)).join('');
const commands = (yaml: string): string[][] => read(yaml).map((inv) => inv.words.map(show));
const positions = (inv: Invocation | undefined): [string, number, number][] => (inv?.words ?? []).map((w) => [show(w), w.at.line, w.at.column]);

describe('ciInvocations: GitHub Actions', () => {
  it('reads a run: | block with positions in the workflow file', () => {
    const yaml = 'jobs:\n  deploy:\n    steps:\n      - run: |\n          echo start\n          gcloud run deploy api \\\n            --vpc-egress all-traffic\n';
    assert.deepEqual(positions(read(yaml)[0]), [
      ['gcloud', 6, 11],
      ['run', 6, 18],
      ['deploy', 6, 22],
      ['api', 6, 29],
      ['--vpc-egress', 7, 13],
      ['all-traffic', 7, 26],
    ]);
  });

  it('reads a folded run: > block as one command line', () => {
    const yaml = 'jobs:\n  deploy:\n    steps:\n      - run: >\n          gcloud run deploy api\n          --region europe-west1\n';
    assert.deepEqual(positions(read(yaml)[0]).slice(3), [
      ['api', 5, 29],
      ['--region', 6, 11],
      ['europe-west1', 6, 20],
    ]);
  });

  it('takes env from the workflow, the job and the step, the nearest winning', () => {
    const yaml = [
      'env: { REGION: us-east1, PROJECT: acme }',
      'jobs:',
      '  deploy:',
      '    env:',
      '      REGION: europe-west1',
      '      TAG: ${{ github.sha }}',
      '      MIXED: $HOME/x',
      '    steps:',
      '      - env:',
      '          SERVICE: api',
      '        run: gcloud run deploy $SERVICE --region $REGION --project ${{ env.PROJECT }} --tag $TAG --x ${{ secrets.EGRESS }} $MIXED',
      '',
    ].join('\n');
    const [command] = read(yaml);
    assert.deepEqual(command?.words.map(show), ['gcloud', 'run', 'deploy', 'api', '--region', 'europe-west1', '--project', 'acme', '--tag', '⟨${{ github.sha }}⟩', '--x', '⟨${{ secrets.EGRESS }}⟩', '⟨$MIXED⟩']);
    assert.deepEqual(command.words[9]?.pieces, [{ kind: 'unknown', source: '${{ github.sha }}', why: 'which GitHub Actions fills in at run time' }]);
    assert.deepEqual(command.words[11]?.pieces, [{ kind: 'unknown', source: '${{ secrets.EGRESS }}', why: 'which GitHub Actions fills in from a secret at run time' }]);
    assert.deepEqual(command.words[12]?.pieces, [{ kind: 'unknown', source: '$MIXED', why: 'whose value in ci.yml refers to other variables' }]);
  });

  it('decodes a double-quoted run: value', () => {
    assert.deepEqual(commands('jobs:\n  d:\n    steps:\n      - run: "gcloud run deploy \\"api\\" --vpc-egress=all-traffic"\n'), [['gcloud', 'run', 'deploy', 'api', '--vpc-egress=all-traffic']]);
  });
});

describe('ciInvocations: GitLab CI', () => {
  it('reads script lists (nested too) with variables from the top and the job', () => {
    const yaml = [
      'variables:',
      '  REGION: europe-west1',
      'deploy:',
      '  variables:',
      '    SERVICE: { value: api, description: the service }',
      '  before_script:',
      '    - gcloud config set project acme',
      '  script:',
      '    - - export EGRESS=all-traffic',
      '    - gcloud run deploy $SERVICE --region $REGION --vpc-egress $EGRESS --x $CI_COMMIT_SHA',
      '',
    ].join('\n');
    assert.deepEqual(commands(yaml), [
      ['gcloud', 'config', 'set', 'project', 'acme'],
      ['gcloud', 'run', 'deploy', 'api', '--region', 'europe-west1', '--vpc-egress', 'all-traffic', '--x', '⟨$CI_COMMIT_SHA⟩'],
    ]);
    assert.deepEqual(read(yaml)[1]?.words[2]?.at, { line: 10, column: 18 });
  });
});

describe('ciInvocations: Cloud Build', () => {
  it('reads entrypoint: gcloud args, each at its own position, with substitutions', () => {
    const yaml = [
      'substitutions:',
      '  _REGION: europe-west1',
      'steps:',
      '  - name: gcr.io/google.com/cloudsdktool/cloud-sdk',
      '    entrypoint: gcloud',
      "    args: ['run', 'deploy', 'api', '--region=${_REGION}', '--project=$PROJECT_ID', '--x=$_UNSET', '--y=$$LITERAL']",
      '',
    ].join('\n');
    const [command] = read(yaml);
    assert.deepEqual(command?.words.map(show), ['gcloud', 'run', 'deploy', 'api', '--region=europe-west1', '--project=⟨$PROJECT_ID⟩', '--x=⟨$_UNSET⟩', '--y=$LITERAL']);
    assert.deepEqual(command.words[5]?.pieces[1], { kind: 'unknown', source: '$PROJECT_ID', why: 'which Cloud Build fills in at build time' });
    assert.deepEqual(command.words[6]?.pieces[1], { kind: 'unknown', source: '$_UNSET', why: 'which is not among the substitutions in ci.yml' });
    assert.deepEqual(positions(command).slice(0, 3), [
      ['gcloud', 5, 17],
      ['run', 6, 12],
      ['deploy', 6, 19],
    ]);
  });

  it('reads the gcloud builder without an entrypoint, bash -c scripts and script: steps', () => {
    const yaml = [
      'steps:',
      '  - name: gcr.io/cloud-builders/gcloud',
      '    args: [sql, instances, patch, db, --require-ssl]',
      '  - name: gcr.io/google.com/cloudsdktool/cloud-sdk:slim',
      '    entrypoint: bash',
      '    env: [SERVICE=api]',
      "    args: ['-c', 'gcloud run deploy $$SERVICE --region $_REGION']",
      '  - name: gcr.io/google.com/cloudsdktool/cloud-sdk',
      '    script: |',
      '      gcloud run services update worker --concurrency 10',
      '  - name: gcr.io/cloud-builders/docker',
      "    args: ['build', '.']",
      '',
    ].join('\n');
    assert.deepEqual(commands(yaml), [
      ['gcr.io/cloud-builders/gcloud', 'sql', 'instances', 'patch', 'db', '--require-ssl'],
      ['gcloud', 'run', 'deploy', 'api', '--region', '⟨$_REGION⟩'],
      ['gcloud', 'run', 'services', 'update', 'worker', '--concurrency', '10'],
    ]);
  });
});

describe('ciInvocations: malformed YAML', () => {
  it('reports a YAML syntax error at its line', () => {
    assert.throws(
      () => read('jobs:\n  deploy:\n    steps:\n      - run: "gcloud run deploy api\n'),
      (error: unknown) => error instanceof InputError && error.diagnostics[0]?.line === 4 && /^YAML syntax: /.test(error.diagnostics[0].message),
    );
  });
});
