import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Position } from '../document.js';
import { runsAfter } from './branches.js';
import { shellInvocations } from './shell.js';
import { mapFile, type Invocation, type Piece, type Word } from './words.js';

const fail = (at: Position, message: string): never => {
  throw new Error(`${at.line}:${at.column} ${message}`);
};

function invocations(script: string, variables?: ReadonlyMap<string, readonly Piece[]>): Invocation[] {
  return shellInvocations(mapFile(script), { file: 'deploy.sh', fail, ...(variables === undefined ? {} : { variables }) });
}

/** A word as text, with each unknown piece shown as ⟨source⟩. */
const show = (word: Word): string => word.pieces.map((p) => (p.kind === 'text' ? p.text : `⟨${p.source}⟩`)).join('');

function commands(script: string): string[][] {
  return invocations(script).map((inv) => inv.words.map(show));
}

describe('shellInvocations: words', () => {
  it('joins quoted and escaped text into one word', () => {
    assert.deepEqual(commands(`gcloud run deploy 'my svc' "a b" c\\ d e'f'"g" $'it\\'s\\t1'\n`), [['gcloud', 'run', 'deploy', 'my svc', 'a b', 'c d', 'efg', "it's\t1"]]);
  });

  it('follows backslash-newline continuations and keeps each word at its own line and column', () => {
    const [command] = invocations('gcloud run deploy api \\\n  --region europe-west1 \\\n    --vpc-egress=all-traffic\n');
    assert.deepEqual(command?.words.map((w) => [show(w), w.at.line, w.at.column]), [
      ['gcloud', 1, 1],
      ['run', 1, 8],
      ['deploy', 1, 12],
      ['api', 1, 19],
      ['--region', 2, 3],
      ['europe-west1', 2, 12],
      ['--vpc-egress=all-traffic', 3, 5],
    ]);
  });

  it('drops comments, but not a # inside a word', () => {
    assert.deepEqual(commands('# gcloud run deploy commented-out\ngcloud run deploy api#1 # --vpc-egress all-traffic\n'), [['gcloud', 'run', 'deploy', 'api#1']]);
  });

  it('ends a command at &&, ||, ;, | and &', () => {
    assert.deepEqual(commands('gcloud a && gcloud b || gcloud c; gcloud d | tee log & gcloud e\n'), [['gcloud', 'a'], ['gcloud', 'b'], ['gcloud', 'c'], ['gcloud', 'd'], ['gcloud', 'e']]);
  });

  it('drops redirections with their targets', () => {
    assert.deepEqual(commands('gcloud run deploy api > deploy.log 2>&1 --quiet <input &>/dev/null\n'), [['gcloud', 'run', 'deploy', 'api', '--quiet']]);
  });

  it('skips here-documents, so a gcloud line inside one is not a command', () => {
    const script = 'cat <<EOF > notes.txt\ngcloud run deploy fake\nEOF\ncat <<-\'END\'\n\tgcloud run deploy fake2\n\tEND\ngcloud run deploy real\n';
    assert.deepEqual(commands(script), [['gcloud', 'run', 'deploy', 'real']]);
  });

  it('finds gcloud after keywords and by path, and not as an argument of another command', () => {
    const script = 'if gcloud run deploy a; then\n  sudo /usr/lib/google-cloud-sdk/bin/gcloud run deploy b\nfi\necho gcloud run deploy c\n';
    assert.deepEqual(commands(script), [['gcloud', 'run', 'deploy', 'a'], ['/usr/lib/google-cloud-sdk/bin/gcloud', 'run', 'deploy', 'b']]);
  });
});

describe('shellInvocations: variables', () => {
  it('expands $VAR and ${VAR} assigned earlier, and leaves others unknown with the reason', () => {
    const [command] = invocations('REGION=europe-west1\nexport PROJECT="acme-prod"\ngcloud --region=$REGION "${PROJECT}" "$EGRESS"\n');
    assert.deepEqual(command?.words.map(show), ['gcloud', '--region=europe-west1', 'acme-prod', '⟨$EGRESS⟩']);
    assert.deepEqual(command.words[3]?.pieces, [{ kind: 'unknown', source: '$EGRESS', why: 'which is not set in deploy.sh' }]);
  });

  it('splits an unquoted expansion into words, and keeps a quoted one whole', () => {
    assert.deepEqual(commands('FLAGS="--region=europe-west1  --quiet"\ngcloud run deploy api $FLAGS "$FLAGS"\n'), [['gcloud', 'run', 'deploy', 'api', '--region=europe-west1', '--quiet', '--region=europe-west1  --quiet']]);
  });

  it('expands variables inside an assignment, and single quotes expand nothing', () => {
    assert.deepEqual(commands("P=acme\nNAME=\"$P:europe-west1:db\"\nRAW='$P'\ngcloud $NAME $RAW\n"), [['gcloud', 'acme:europe-west1:db', '$P']]);
  });

  it('makes a variable unknown when it is assigned only under a condition', () => {
    const script = 'if [ "$ENV" = prod ]; then\n  EGRESS=all-traffic\nelse\n  EGRESS=private-ranges-only\nfi\n[ -n "$MODE" ] || MODE=fast\ngcloud $EGRESS $MODE\n';
    const [command] = invocations(script);
    assert.deepEqual(command?.words.slice(1).map((w) => w.pieces), [
      [{ kind: 'unknown', source: '$EGRESS', why: 'which deploy.sh sets only under a condition' }],
      [{ kind: 'unknown', source: '$MODE', why: 'which deploy.sh sets only under a condition' }],
    ]);
  });

  it('keeps a prefix assignment to its own command', () => {
    const [first, second] = invocations('CLOUDSDK_CORE_PROJECT=acme gcloud run deploy a\ngcloud run deploy b $CLOUDSDK_CORE_PROJECT\n');
    assert.deepEqual(first?.env.get('CLOUDSDK_CORE_PROJECT'), [{ kind: 'text', text: 'acme' }]);
    assert.equal(second?.env.has('CLOUDSDK_CORE_PROJECT'), false);
    assert.deepEqual(second.words.map(show), ['gcloud', 'run', 'deploy', 'b', '⟨$CLOUDSDK_CORE_PROJECT⟩']);
  });

  it('leaves command substitutions, arguments and defaults of unset variables to run time', () => {
    const [command] = invocations('SET=x\ngcloud $(git rev-parse HEAD) `date` $1 ${UNSET:-fallback} ${SET:-fallback} $((1 + 2))\n');
    assert.deepEqual(command?.words.slice(1).map((w) => w.pieces), [
      [{ kind: 'unknown', source: '$(git rev-parse HEAD)', why: 'which is the output of a command, known only at run time' }],
      [{ kind: 'unknown', source: '`…`', why: 'which is the output of a command, known only at run time' }],
      [{ kind: 'unknown', source: '$1', why: 'which is an argument the script is given at run time' }],
      [{ kind: 'unknown', source: '${UNSET:-fallback}', why: 'which is not set in deploy.sh (its default applies only when the environment does not set it)' }],
      [{ kind: 'text', text: 'x' }],
      [{ kind: 'unknown', source: '$((1 + 2))', why: 'which is an arithmetic expansion, evaluated at run time' }],
    ]);
  });

  it('starts from the variables a CI runner sets', () => {
    assert.deepEqual(
      invocations('gcloud run deploy $SERVICE\n', new Map([['SERVICE', [{ kind: 'text', text: 'api' }]]])).map((i) => i.words.map(show)),
      [['gcloud', 'run', 'deploy', 'api']],
    );
  });
});

describe('shellInvocations: branches', () => {
  /** For each pair of commands (by their second word), whether the later surely runs after the earlier. */
  function order(script: string): Record<string, boolean> {
    const found = invocations(script);
    const out: Record<string, boolean> = {};
    found.forEach((later, j) => {
      found.slice(0, j).forEach((earlier) => {
        out[`${show(earlier.words[1] ?? { pieces: [], at: { line: 0, column: 0 } })}<${show(later.words[1] ?? { pieces: [], at: { line: 0, column: 0 } })}`] = runsAfter(later.branch ?? [], earlier.branch ?? []);
      });
    });
    return out;
  }

  it('orders top-level commands, and puts each arm of an if or case in a block of its own', () => {
    assert.deepEqual(order('gcloud a\nif x; then gcloud b; elif y; then gcloud c; else\n  gcloud d\nfi\ngcloud e\n'), {
      'a<b': false, 'a<c': false, 'b<c': false, 'a<d': false, 'b<d': false, 'c<d': false, 'a<e': true, 'b<e': true, 'c<e': true, 'd<e': true,
    });
    assert.deepEqual(order('case $ENV in\n  prod) gcloud a; gcloud b ;;\n  *) gcloud c ;;\nesac\ngcloud d\n'), { 'a<b': true, 'a<c': false, 'b<c': false, 'a<d': true, 'b<d': true, 'c<d': true });
  });

  it('puts what follows && or || in a block, and does not order function bodies or background commands', () => {
    assert.deepEqual(order('gcloud a && gcloud b || gcloud c\ngcloud d\n'), { 'a<b': false, 'a<c': false, 'b<c': false, 'a<d': true, 'b<d': true, 'c<d': true });
    assert.deepEqual(order('f() {\n  gcloud a\n  gcloud b\n}\ngcloud c &\ngcloud d\n'), { 'a<b': true, 'a<c': false, 'b<c': false, 'a<d': false, 'b<d': false, 'c<d': false });
  });
});

describe('shellInvocations: malformed scripts', () => {
  it('points at an unterminated single quote', () => {
    assert.throws(() => invocations("gcloud run deploy api \\\n  --set-env-vars 'A=1\n"), { message: "2:18 unterminated single quote; expected a closing ' before the end of the script" });
  });

  it('points at an unterminated command substitution', () => {
    assert.throws(() => invocations('echo ok\nIMAGE=$(git rev-parse HEAD\n'), { message: '2:7 unterminated $(…); expected a closing )' });
  });
});
