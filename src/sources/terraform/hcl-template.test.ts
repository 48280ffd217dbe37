import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTraversal, splitTemplate, traversalHeads } from './hcl-template.js';

describe('splitTemplate', () => {
  it('keeps a string without interpolation as one literal, undoing `$${` escapes', () => {
    assert.deepEqual(splitTemplate('plain'), [{ kind: 'literal', text: 'plain' }]);
    assert.deepEqual(splitTemplate('$${literal} and %%{ directive }'), [{ kind: 'literal', text: '${literal} and %{ directive }' }]);
  });

  it('splits interpolations from literals, trimming strip markers', () => {
    assert.deepEqual(splitTemplate('${var.region}-db'), [
      { kind: 'interpolation', expression: 'var.region' },
      { kind: 'literal', text: '-db' },
    ]);
    assert.deepEqual(splitTemplate('a${~ local.b ~}c'), [
      { kind: 'literal', text: 'a' },
      { kind: 'interpolation', expression: 'local.b' },
      { kind: 'literal', text: 'c' },
    ]);
  });

  it('finds the closing brace past nested objects and strings', () => {
    assert.deepEqual(splitTemplate('${lookup({ a = "}" }, "a")}!'), [
      { kind: 'interpolation', expression: 'lookup({ a = "}" }, "a")' },
      { kind: 'literal', text: '!' },
    ]);
  });

  it('keeps directives apart', () => {
    assert.deepEqual(splitTemplate('%{if var.on}x%{endif}'), [
      { kind: 'directive', text: '%{if var.on}' },
      { kind: 'literal', text: 'x' },
      { kind: 'directive', text: '%{endif}' },
    ]);
  });
});

describe('parseTraversal', () => {
  it('reads attribute and index steps', () => {
    assert.deepEqual(parseTraversal('google_compute_network.vpc.id'), {
      root: 'google_compute_network',
      steps: [
        { kind: 'attribute', name: 'vpc' },
        { kind: 'attribute', name: 'id' },
      ],
    });
    assert.deepEqual(parseTraversal('var.list[0]'), { root: 'var', steps: [{ kind: 'attribute', name: 'list' }, { kind: 'index', key: 0 }] });
    assert.deepEqual(parseTraversal(' local.m["k"].x '), {
      root: 'local',
      steps: [
        { kind: 'attribute', name: 'm' },
        { kind: 'index', key: 'k' },
        { kind: 'attribute', name: 'x' },
      ],
    });
    assert.deepEqual(parseTraversal('google_sql_database_instance.main.0.name')?.steps[1], { kind: 'index', key: 0 });
  });

  it('refuses everything that is not a plain traversal', () => {
    for (const expression of ['upper("x")', 'var.a - 1', 'var.on ? "a" : "b"', 'google_compute_subnetwork.app[*].name', 'true', 'null', '"text"', '42']) {
      assert.equal(parseTraversal(expression), undefined, expression);
    }
  });
});

describe('traversalHeads', () => {
  it('lists the `a.b` heads of an expression, ignoring string contents', () => {
    assert.deepEqual(traversalHeads('format("%s.%s", var.name, google_compute_network.vpc.id)'), [
      { root: 'var', name: 'name' },
      { root: 'google_compute_network', name: 'vpc' },
    ]);
  });
});
