import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { renderHtml } from '../src/report/html.js';
import type { Report } from '../src/report/report.js';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));
// Debian's chromium (.ci/run installs it); Playwright's own browser downloads are never used.
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * The browser's getComputedStyle, for functions evaluated in the page: the tests compile without the
 * DOM library, and such a function is serialized, so it can name only globals.
 */
type ComputedStyleOf = (element: unknown) => { stroke: string; strokeDasharray: string };

function reportOf(name: string): Report {
  const run = spawnSync(process.execPath, [cli, 'check', `examples/incident/${name}.yaml`, '--format', 'json'], { encoding: 'utf8', cwd: root });
  assert.equal(run.stderr, '');
  return JSON.parse(run.stdout) as Report;
}

describe('renderHtml', () => {
  let report: Report;
  let html: string;
  let browser: Browser;
  let server: http.Server;
  let pageUrl: string;
  let dir: string;
  const served: string[] = [];

  before(async () => {
    assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium), as .ci/run does`);
    report = reportOf('after');
    html = renderHtml(report);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeline-html-'));
    server = http.createServer((req, res) => {
      served.push(`${req.method ?? ''} ${req.url ?? ''}`);
      if (req.url === '/report.html') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    pageUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/report.html`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser.close();
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refers to nothing outside the file: no script, stylesheet, image or font from anywhere', () => {
    const attributes = [...html.matchAll(/\s(src|href|xlink:href|srcset|action|poster|data)\s*=\s*"([^"]*)"/gi)].map((m) => `${m[1] ?? ''}=${m[2] ?? ''}`);
    assert.ok(attributes.length > 0, 'the check sees the attributes');
    for (const a of attributes) assert.doesNotMatch(a, /^[^=]+=\s*(https?:)?\/\//i, a);
    assert.ok(attributes.every((a) => /^[^=]+=(#|data:)/.test(a)), attributes.join('\n'));
    assert.doesNotMatch(html, /<script|<iframe|<object|<embed|<img|@import|@font-face/i);
    assert.deepEqual([...new Set([...html.matchAll(/url\(([^)]*)\)/g)].map((m) => m[1]?.[0]))], ['#'], 'CSS url() only names in-page markers');
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
  });

  it('renders in a real browser without errors or requests, the failing edge marked', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      const requests: string[] = [];
      const blocked: string[] = [];
      const consoleErrors: string[] = [];
      const pageErrors: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(m.text());
      });
      page.on('pageerror', (e) => pageErrors.push(e.message));
      // Everything but the page itself is aborted and recorded, so a stray request fails the test
      // here rather than reaching out.
      await context.route('**/*', async (route) => {
        if (route.request().url() === pageUrl) {
          await route.continue();
        } else {
          blocked.push(route.request().url());
          await route.abort();
        }
      });

      const response = await page.goto(pageUrl, { waitUntil: 'load' });
      assert.equal(response?.status(), 200);
      assert.equal(await page.title(), 'Lifeline check: CRITICAL');

      const edge = page.locator('g.edge[data-service="backend"][data-dependency="postgres"]');
      assert.equal(await edge.count(), 1);
      assert.ok(await edge.isVisible(), 'the failing edge is visible');
      assert.deepEqual((await edge.getAttribute('class'))?.split(' ').sort(), ['edge', 'failed']);
      assert.equal(await edge.getAttribute('data-verdict'), 'UNREACHABLE');
      assert.equal(await edge.getAttribute('data-cause'), 'NO_EXTERNAL_ADDRESS');
      assert.match((await edge.locator('title').textContent()) ?? '', /^backend → postgres: UNREACHABLE \(NO_EXTERNAL_ADDRESS\) at NAT: /);
      const style = await edge.locator('.edge-line').evaluate((e) => {
        const s = (globalThis as unknown as { getComputedStyle: ComputedStyleOf }).getComputedStyle(e);
        return { stroke: s.stroke, dash: s.strokeDasharray };
      });
      assert.deepEqual(style, { stroke: 'rgb(217, 48, 37)', dash: '7px, 5px' }, 'red and dashed');
      const box = await edge.boundingBox();
      assert.ok(box && box.width > 100, `the edge spans the gap between the columns: ${JSON.stringify(box)}`);

      const reachable = page.locator('g.edge[data-service="backend"][data-dependency="staging-redis"]');
      assert.equal(await reachable.getAttribute('class'), 'edge reachable');
      assert.equal(await reachable.locator('.edge-line').evaluate((e) => (globalThis as unknown as { getComputedStyle: ComputedStyleOf }).getComputedStyle(e).strokeDasharray), 'none');

      // One edge per path; a node per service and per distinct dependency (both postgres paths share
      // one) or implicit destination (internet, Google APIs and two private ranges, shared by both services).
      assert.equal(await page.locator('g.edge').count(), report.paths.length);
      assert.equal(await page.locator('g.edge.failed').count(), report.summary.unreachable + report.summary.implicit.unreachable);
      assert.equal(await page.locator('g.node.service').count(), 2);
      assert.equal(await page.locator('g.node.dependency').count(), 6 + 4);
      assert.equal(await page.locator('#findings tbody tr').count(), report.findings.length);
      assert.equal(await page.locator('#fixes article.fix').count(), report.fixes.length);
      assert.equal(await page.locator('#fixes article.fix.recommended').count(), 1);

      // Hovering shows the tooltip's edge thicker; clicking jumps to the path's row: still no request.
      await edge.hover();
      await edge.click();
      assert.match(page.url(), /#path-0$/);
      assert.ok(await page.locator('#path-0').isVisible());

      const screenshot = path.join(dir, 'report.png');
      await page.screenshot({ path: screenshot, fullPage: true });
      const png = fs.readFileSync(screenshot);
      assert.ok(png.length > 10_000, `screenshot has ${png.length} bytes`);
      assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');

      assert.deepEqual(consoleErrors, []);
      assert.deepEqual(pageErrors, []);
      assert.deepEqual(blocked, []);
      assert.deepEqual(requests, [pageUrl], 'the page itself and nothing else');
      assert.deepEqual(served, ['GET /report.html'], 'no favicon or other request reached the server');
    } finally {
      await context.close();
    }
  });

  it('escapes names and redacts URL passwords', () => {
    const [p] = report.paths;
    assert.ok(p);
    const out = renderHtml({ ...report, paths: [{ ...p, service: '<img src=x onerror=alert(1)>', target: 'https://u:Hunter2Secret@h/"quoted"' }] });
    assert.ok(!out.includes('<img'));
    assert.ok(out.includes('&lt;img src=x onerror=alert(1)&gt;'));
    assert.ok(!out.includes('Hunter2Secret'));
    assert.ok(out.includes('https://u:***@h/&quot;quoted&quot;'));
  });

  it('a healthy report draws only reachable edges', () => {
    const out = renderHtml(reportOf('fixed'));
    assert.equal(out.match(/<g class="edge reachable"/g)?.length, 15, 'seven dependencies and eight implicit destinations');
    assert.ok(!out.includes('class="edge failed"'));
  });
});
