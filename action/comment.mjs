// Posts the Markdown report as a pull-request comment through GitHub's REST API, updating the
// comment an earlier run posted (found by its marker) rather than adding another.
// Reads GITHUB_API_URL, GITHUB_REPOSITORY, GITHUB_EVENT_PATH and INPUT_TOKEN, as the runner sets them.
import { readFileSync } from 'node:fs';

const MARKER = '<!-- lifeline-check -->';
// GitHub refuses comment bodies over 65,536 characters.
const MAX_BODY = 65_536;

const api = (process.env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/$/, '');
const repository = process.env.GITHUB_REPOSITORY ?? '';
const token = process.env.INPUT_TOKEN ?? '';
const event = process.env.GITHUB_EVENT_PATH ? JSON.parse(readFileSync(process.env.GITHUB_EVENT_PATH, 'utf8')) : {};
const number = event.pull_request?.number ?? event.issue?.number;

function fail(message) {
  process.stderr.write(`lifeline comment: ${message}\n`);
  process.exit(1);
}

if (number === undefined) {
  process.stdout.write('lifeline comment: not a pull request; no comment posted\n');
  process.exit(0);
}
if (!/^[^/]+\/[^/]+$/.test(repository)) fail('GITHUB_REPOSITORY is not OWNER/REPO');
if (token === '') fail('no token: give the action a token with pull-requests: write');

const file = process.argv[2];
if (file === undefined) fail('usage: comment.mjs REPORT.md');
let body = `${MARKER}\n${readFileSync(file, 'utf8')}`;
if (body.length > MAX_BODY) {
  const note = '\n\n… the report is longer than a comment can be; the job summary and the SARIF upload hold all of it.\n';
  body = body.slice(0, MAX_BODY - note.length) + note;
}

async function call(method, path, payload) {
  let response;
  try {
    response = await send(method, path, payload);
  } catch (error) {
    fail(`${method} ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!response.ok) fail(`${method} ${path}: HTTP ${response.status} ${response.statusText}`);
  return response.json();
}

function send(method, path, payload) {
  return fetch(`${api}${path}`, {
    method,
    headers: {
      accept: 'application/vnd.github+json',
      authorization: `Bearer ${token}`,
      'x-github-api-version': '2022-11-28',
      ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
    signal: AbortSignal.timeout(30_000),
  });
}

let existing;
for (let page = 1; existing === undefined; page++) {
  const comments = await call('GET', `/repos/${repository}/issues/${number}/comments?per_page=100&page=${page}`);
  if (!Array.isArray(comments)) fail('the comment list is not an array');
  existing = comments.find((c) => typeof c.body === 'string' && c.body.startsWith(MARKER));
  if (comments.length < 100) break;
}
if (existing === undefined) {
  const created = await call('POST', `/repos/${repository}/issues/${number}/comments`, { body });
  process.stdout.write(`lifeline comment: posted ${created.html_url ?? `comment ${created.id}`}\n`);
} else {
  const updated = await call('PATCH', `/repos/${repository}/issues/comments/${existing.id}`, { body });
  process.stdout.write(`lifeline comment: updated ${updated.html_url ?? `comment ${existing.id}`}\n`);
}
