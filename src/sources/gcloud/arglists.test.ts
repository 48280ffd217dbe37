import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Position } from '../document.js';
import { codeInvocations } from './arglists.js';
import type { Language } from './code-lexer.js';
import { mapFile, type Invocation, type Word } from './words.js';

const fail = (at: Position, message: string): never => {
  throw new Error(`${at.line}:${at.column} ${message}`);
};

function read(source: string, language: Language, notes: string[] = []): Invocation[] {
  return codeInvocations(mapFile(source), { file: language === 'python' ? 'deploy.py' : 'deploy.js', language, notes, fail });
}

const show = (word: Word): string => word.pieces.map((p) => (p.kind === 'text' ? p.text : `⟨${p.source}⟩`)).join('');

function commands(source: string, language: Language, notes?: string[]): string[][] {
  return read(source, language, notes).map((inv) => inv.words.map(show));
}

describe('codeInvocations: Python', () => {
  it('reads a list literal passed to subprocess, with every kind of string literal', () => {
    const source = `subprocess.run(["gcloud", 'run', """deploy""", r"api", u'--region', "europe-" "west1", '--a\\tb'], check=True)\n`;
    assert.deepEqual(commands(source, 'python'), [['gcloud', 'run', 'deploy', 'api', '--region', 'europe-west1', '--a\tb']]);
  });

  it('keeps each element at its own line and column', () => {
    const [command] = read('cmd = [\n    "gcloud", "run", "deploy", "api",\n    "--vpc-egress", "all-traffic",  # the incident\n]\nsubprocess.check_call(cmd)\n', 'python');
    assert.deepEqual(command?.words.map((w) => [show(w), w.at.line, w.at.column]), [
      ['gcloud', 2, 5],
      ['run', 2, 15],
      ['deploy', 2, 22],
      ['api', 2, 32],
      ['--vpc-egress', 3, 5],
      ['all-traffic', 3, 21],
    ]);
  });

  it('follows += , extend, append and + on the same list', () => {
    const source = 'cmd = ["gcloud", "run", "deploy", "api"]\ncmd += ["--region", "europe-west1"]\ncmd.extend(["--vpc-egress", "all-traffic"])\ncmd.append("--quiet")\nsubprocess.run(cmd + ["--async"])\n';
    assert.deepEqual(commands(source, 'python'), [['gcloud', 'run', 'deploy', 'api', '--region', 'europe-west1', '--vpc-egress', 'all-traffic', '--quiet', '--async']]);
  });

  it('resolves names assigned a literal earlier, parameter defaults no call overrides, and f-strings of those names', () => {
    const source = [
      'REGION = "europe-west1"',
      'def deploy(image, name: str = "api", tier="small", egress="private-ranges-only", *, project):',
      '    subprocess.run(["gcloud", "run", "deploy", name, f"--region={REGION}", "--vpc-egress", egress, "--project", project, "--tier", tier])',
      'deploy(sys.argv[1], egress="all-traffic")',
      '',
    ].join('\n');
    const [command] = read(source, 'python');
    assert.deepEqual(command?.words.map(show), ['gcloud', 'run', 'deploy', 'api', '--region=europe-west1', '--vpc-egress', '⟨egress⟩', '--project', '⟨project⟩', '--tier', 'small']);
    assert.deepEqual(command.words[6]?.pieces, [{ kind: 'unknown', source: 'egress', why: 'which deploy.py passes to deploy() on line 4, so its default is not the value' }]);
    assert.deepEqual(command.words[8]?.pieces, [{ kind: 'unknown', source: 'project', why: 'which is not assigned a literal in deploy.py' }]);
  });

  it('treats a parameter passed by position as overridden too', () => {
    const source = 'def deploy(name="api", egress="private-ranges-only"):\n    subprocess.run(["gcloud", "run", "deploy", name, "--vpc-egress", egress])\ndeploy("web")\n';
    assert.deepEqual(commands(source, 'python'), [['gcloud', 'run', 'deploy', '⟨name⟩', '--vpc-egress', 'private-ranges-only']]);
  });

  it('does not take a keyword argument or a non-literal assignment for a literal', () => {
    const source = 'egress = "private-ranges-only"\nrun(egress="all-traffic")\nregion = os.environ["REGION"]\nsubprocess.run(["gcloud", "--vpc-egress", egress, "--region", region, f"--x={a.b}", "--y=%s" % z])\n';
    const [command] = read(source, 'python');
    assert.deepEqual(command?.words.map(show), ['gcloud', '--vpc-egress', 'private-ranges-only', '--region', '⟨region⟩', '--x=⟨{a.b}⟩', '⟨"--y=%s" % z⟩']);
    assert.deepEqual(command.words[6]?.pieces, [{ kind: 'unknown', source: '"--y=%s" % z', why: 'which is an expression evaluated at run time' }]);
  });

  it('inlines a literal list spread with *, and keeps an unknown one as one unknown word', () => {
    const source = 'COMMON = ["--region", "europe-west1"]\nsubprocess.run(["gcloud", "run", "deploy", "api", *COMMON, *extra])\n';
    const [command] = read(source, 'python');
    assert.deepEqual(command?.words.map(show), ['gcloud', 'run', 'deploy', 'api', '--region', 'europe-west1', '⟨*extra⟩']);
    assert.deepEqual(command.words[6]?.pieces, [{ kind: 'unknown', source: '*extra', why: 'which adds arguments that are not a literal list in deploy.py' }]);
  });

  it('notes arguments added by an expression it does not follow', () => {
    const notes: string[] = [];
    commands('cmd = ["gcloud", "run", "deploy", "api"]\nsubprocess.run(cmd + extra_flags)\n', 'python', notes);
    assert.deepEqual(notes, ['deploy.py:2: what is added to cmd is not a literal list; those gcloud arguments are not imported']);
  });

  it('ignores lists that are not gcloud commands and gcloud inside comments and strings', () => {
    assert.deepEqual(commands('# ["gcloud", "run", "deploy", "x"]\nDOC = "run [\\"gcloud\\"]"\nitems = ["kubectl", "apply"]\n', 'python'), []);
  });

  it('points at an unclosed gcloud list', () => {
    assert.throws(() => read('x = 1\ncmd = ["gcloud", "run", "deploy", "api"\n', 'python'), { message: '2:7 unclosed [; expected ] to end the gcloud argument list' });
  });
});

describe('codeInvocations: JavaScript and TypeScript', () => {
  it('reads execFile, spawn and execFileSync with an array literal', () => {
    const source = "execFile('gcloud', ['run', 'deploy', 'api']);\nspawn(\"gcloud\", [`sql`, 'instances', 'create', 'db'], { stdio: 'inherit' });\nexecFileSync('/opt/bin/gcloud', ['config', 'set', 'project', 'p']);\n";
    assert.deepEqual(commands(source, 'javascript'), [
      ['gcloud', 'run', 'deploy', 'api'],
      ['gcloud', 'sql', 'instances', 'create', 'db'],
      ['/opt/bin/gcloud', 'config', 'set', 'project', 'p'],
    ]);
  });

  it('reads an array variable pushed to and spread, with template literals and typed declarations', () => {
    const source = [
      "const region: string = 'europe-west1';",
      "const base = ['--region', region];",
      'function deploy(service = "api", egress) {',
      "  const args: string[] = ['run', 'deploy', service, ...base];",
      '  args.push(`--vpc-egress=${egress}`, `--concurrency=${80}`); // comment',
      '  /* execFile("gcloud", ["not", "this"]) */',
      "  return execa('gcloud', args);",
      '}',
      '',
    ].join('\n');
    assert.deepEqual(commands(source, 'javascript'), [['gcloud', 'run', 'deploy', 'api', '--region', 'europe-west1', '--vpc-egress=⟨egress⟩', '--concurrency=⟨{80}⟩']]);
  });

  it('is not confused by a regular expression literal holding a quote', () => {
    const source = "const re = /['\"]/g;\nexecFile('gcloud', ['run', 'deploy', 'web']);\n";
    assert.deepEqual(commands(source, 'javascript'), [['gcloud', 'run', 'deploy', 'web']]);
  });

  it('points at an unterminated template literal', () => {
    assert.throws(() => read("const a = 1;\nexecFile('gcloud', [`run\n", 'javascript'), { message: '2:21 unterminated string; expected a closing `' });
  });
});
