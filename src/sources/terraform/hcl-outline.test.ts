import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blocksNamed, locateInBody, outlineHcl, type BlockOutline } from './hcl-outline.js';

const SERVICE = `# A Cloud Run service
resource "google_cloud_run_v2_service" "api" {
  name     = "api"
  template {
    vpc_access {
      connector = "conn" # } not a brace that counts
      egress    = "ALL_TRAFFIC"
    }
    containers {
      env {
        name  = "A"
        value = "\${var.a}}{"
      }
      env {
        name = "B"
        value = <<-EOT
          fake = {
          }
        EOT
      }
      args = [
        "--port", /* { */
        "8080",
      ]
      env { name = "C" }
    }
  }
}

resource "google_compute_network" "vpc" { name = "vpc" }
`;

function resource(text: string, type: string, name: string): BlockOutline {
  const block = blocksNamed(outlineHcl(text), 'resource', [type, name])[0];
  assert.ok(block, `resource "${type}" "${name}" is in the outline`);
  return block;
}

describe('outlineHcl', () => {
  it('finds top-level blocks with their labels and the line of their first token', () => {
    const outline = outlineHcl(SERVICE);
    assert.deepEqual(
      outline.map((item) => (item.kind === 'block' ? [item.type, ...item.labels, item.at.line, item.at.column] : [item.name])),
      [
        ['resource', 'google_cloud_run_v2_service', 'api', 2, 1],
        ['resource', 'google_compute_network', 'vpc', 30, 1],
      ],
    );
  });

  it('locates attributes in nested blocks, through strings, heredocs and comments holding braces', () => {
    const api = resource(SERVICE, 'google_cloud_run_v2_service', 'api');
    assert.deepEqual(locateInBody(api, ['name']), { line: 3, column: 3 });
    assert.deepEqual(locateInBody(api, ['template', 0, 'vpc_access', 0, 'egress']), { line: 7, column: 7 });
    assert.deepEqual(locateInBody(api, ['template', 0, 'containers', 0, 'env', 1, 'value']), { line: 16, column: 9 });
    assert.deepEqual(locateInBody(api, ['template', 0, 'containers', 0, 'args']), { line: 21, column: 7 });
  });

  it('counts repeated blocks in order, one-line blocks included', () => {
    const api = resource(SERVICE, 'google_cloud_run_v2_service', 'api');
    assert.deepEqual(locateInBody(api, ['template', 0, 'containers', 0, 'env', 0]), { line: 10, column: 7 });
    assert.deepEqual(locateInBody(api, ['template', 0, 'containers', 0, 'env', 2, 'name']), { line: 25, column: 13 });
    assert.deepEqual(locateInBody(resource(SERVICE, 'google_compute_network', 'vpc'), ['name']), { line: 30, column: 43 });
  });

  it('answers a path it cannot follow with the nearest block or attribute', () => {
    const api = resource(SERVICE, 'google_cloud_run_v2_service', 'api');
    assert.deepEqual(locateInBody(api, ['template', 0, 'scaling', 0, 'max_instance_count']), { line: 4, column: 3 });
    assert.deepEqual(locateInBody(api, ['template', 0, 'containers', 0, 'env', 7, 'value']), { line: 9, column: 5 });
    assert.deepEqual(locateInBody(api, ['template', 0, 'containers', 0, 'args', 1]), { line: 21, column: 7 });
    assert.deepEqual(locateInBody(api, []), { line: 2, column: 1 });
  });

  it('skips multi-line expressions and template interpolations holding objects', () => {
    const text = 'locals {\n  a = {\n    b = 1\n  }\n  c = "${ { k = "}" }.k }"\n  d = (\n    1\n  )\n  e = 2\n}\n';
    const [locals] = blocksNamed(outlineHcl(text), 'locals', []);
    assert.deepEqual(
      locals?.body.map((item) => [item.kind, item.kind === 'attribute' ? item.name : item.type, item.at.line]),
      [
        ['attribute', 'a', 2],
        ['attribute', 'c', 5],
        ['attribute', 'd', 6],
        ['attribute', 'e', 9],
      ],
    );
  });
});
