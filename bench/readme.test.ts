import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { checkBlock, README, renderReadme, replaceBlock } from './readme.js';

test("the README's benchmark figures are the ones in bench/results (written by npm run bench:readme)", async () => {
  const readme = await readFile(README, 'utf8');
  assert.equal(await renderReadme(readme), readme, 'README.md is out of date with bench/results/*.json: run npm run bench:readme');
});

test('a block is replaced between its markers only; a missing block is an error', () => {
  const text = 'a\n<!-- bench:check -->\nold\n<!-- /bench:check -->\nb\n';
  assert.equal(replaceBlock(text, 'check', 'new'), 'a\n<!-- bench:check -->\nnew\n<!-- /bench:check -->\nb\n');
  assert.throws(() => replaceBlock('no markers', 'check', 'x'), /no <!-- bench:check -->/);
});

test('the check block shows each row, the growth per service and every SLOW line', () => {
  const row = (services: number, checkSeconds: number) => ({ services, format: 'json' as const, fileMb: services / 1000, parseSeconds: 0.01, checkSeconds, jsonSeconds: 0.1, implicitOverhead: 0.05, implicitOverheadWithJson: -0.02, cliSeconds: checkSeconds * 2, cliPeakRssMb: 1234, paths: services * 5, implicitPaths: services * 7, fixes: 3 });
  const block = checkBlock({ machine: 'test machine', slow: ['json 1000: check is 11.1x parse (expected within 3x)'], rows: [row(1000, 0.4), row(10000, 2)] });
  assert.match(block, /\| 10,000 \| JSON \| 10\.00 MB \| 0\.010 s \| 2\.000 s \| 200\.0× \| 0\.20 ms \| 0\.100 s \| \+5\.0%; −2\.0% \| 4\.000 s \| 1,234 MB \|/);
  assert.match(block, /Check time per service, JSON: ×0\.50 to 10,000\./);
  assert.match(block, /- json 1000: check is 11\.1x parse/);
});
