import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useColor } from './color.js';
import { durationArgument, formatDuration } from './duration.js';

describe('colour', () => {
  it('follows the terminal unless NO_COLOR or FORCE_COLOR says otherwise, and --no-color always wins', () => {
    assert.equal(useColor(true, {}, true), true);
    assert.equal(useColor(true, {}, false), false);
    assert.equal(useColor(true, { NO_COLOR: '1' }, true), false);
    assert.equal(useColor(true, { NO_COLOR: '' }, true), true, 'an empty NO_COLOR is not set (no-color.org)');
    assert.equal(useColor(true, { FORCE_COLOR: '1' }, false), true);
    assert.equal(useColor(true, { FORCE_COLOR: '3' }, false), true);
    assert.equal(useColor(true, { FORCE_COLOR: '0' }, true), false);
    assert.equal(useColor(true, { FORCE_COLOR: 'false' }, true), false);
    assert.equal(useColor(true, { FORCE_COLOR: '' }, false), false, 'an empty FORCE_COLOR is not set');
    assert.equal(useColor(true, { FORCE_COLOR: '1', NO_COLOR: '1' }, false), false);
    assert.equal(useColor(false, { FORCE_COLOR: '1' }, true), false);
  });
});

describe('durations', () => {
  it('reads every unit and refuses a bare number, saying which units to add', () => {
    assert.equal(durationArgument('500ms'), 500);
    assert.equal(durationArgument('2s'), 2000);
    assert.equal(durationArgument('1.5s'), 1500);
    assert.equal(durationArgument('1m'), 60_000);
    assert.equal(durationArgument('1h'), 3_600_000);
    assert.throws(() => durationArgument('2000'), /"2000" has no unit: write 2000ms or 2000s/);
    assert.throws(() => durationArgument('0s'), /above zero/);
    assert.throws(() => durationArgument('soon'), /such as 500ms, 2s or 1m/);
    assert.throws(() => durationArgument('2 days'), /units: ms, s, m, h/);
  });
  it('formats in the largest whole unit', () => {
    assert.deepEqual([5000, 750, 60_000, 90_000, 7_200_000, 1500].map(formatDuration), ['5s', '750ms', '1m', '90s', '2h', '1500ms']);
  });
});
