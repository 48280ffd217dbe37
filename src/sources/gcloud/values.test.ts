import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asCidr, dictItem, listItems, parseCount, parseDuration, resourceName, splitList } from './values.js';
import { text, unknownPiece } from './words.js';

describe('flag values', () => {
  it('splits lists at commas, or at the delimiter a ^DELIM^ prefix names', () => {
    assert.deepEqual(splitList('a,b,,c'), ['a', 'b', 'c']);
    assert.deepEqual(splitList('^:^a,b:c'), ['a,b', 'c']);
    assert.deepEqual(splitList('^##^x=1,2##y=3'), ['x=1,2', 'y=3']);
  });

  it('keeps an unknown piece inside the item it belongs to', () => {
    const unknown = unknownPiece('$PW', 'which is not set in deploy.sh');
    assert.deepEqual(listItems([text('A=1,URL=postgres://u:'), unknown, text('@h,B=2')]), [[text('A=1')], [text('URL=postgres://u:'), unknown, text('@h')], [text('B=2')]]);
  });

  it('reads KEY=VALUE items, the value running to the end', () => {
    assert.deepEqual(dictItem([text('DATABASE_URL=postgres://h/db?sslmode=require')]), { key: 'DATABASE_URL', value: [text('postgres://h/db?sslmode=require')] });
    assert.equal(dictItem([text('NOVALUE')]), undefined);
    assert.equal(dictItem([text('=x')]), undefined);
  });

  it('reads durations as seconds', () => {
    assert.deepEqual(['0', '90', '90s', '15m', '2h', '1h30m', '1m20s'].map(parseDuration), [0, 90, 90, 900, 7200, 5400, 80]);
    assert.deepEqual(['', '5 m', '1.5h', '-3', '1d', 'm'].map(parseDuration), [undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it('reads counts, resource names and authorized networks', () => {
    assert.deepEqual(['0', '12', '-1', '1e3', 'default'].map(parseCount), [0, 12, undefined, undefined, undefined]);
    assert.equal(resourceName('projects/p/locations/europe-west1/connectors/run-egress'), 'run-egress');
    assert.equal(resourceName('https://www.googleapis.com/compute/v1/projects/p/global/networks/vpc'), 'vpc');
    assert.equal(resourceName('vpc'), 'vpc');
    assert.equal(asCidr('203.0.113.7'), '203.0.113.7/32');
    assert.equal(asCidr('10.0.0.0/8'), '10.0.0.0/8');
  });
});
