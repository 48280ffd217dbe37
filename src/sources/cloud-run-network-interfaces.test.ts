import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseNetworkInterfaces } from './cloud-run-network-interfaces.js';

const EXAMPLE = '[{"network":"vpc","subnetwork":"subnet","tags":["web"]}]';

describe('parseNetworkInterfaces', () => {
  it('reads one interface, reducing resource paths to names', () => {
    assert.deepEqual(
      parseNetworkInterfaces(
        '[{"network":"projects/host/global/networks/shared-vpc","subnetwork":"projects/host/regions/europe-west1/subnetworks/run","tags":["a","b"]}]',
      ),
      { kind: 'interface', directVpc: { network: 'shared-vpc', subnet: 'run', tags: ['a', 'b'] } },
    );
  });

  it('keeps only the fields given: a subnetwork alone has no network and no tags', () => {
    assert.deepEqual(parseNetworkInterfaces('[{"subnetwork":"run"}]'), { kind: 'interface', directVpc: { subnet: 'run' } });
  });

  it('gives the offset of a JSON syntax error', () => {
    assert.deepEqual(parseNetworkInterfaces('[{"network":"vpc",}]'), {
      kind: 'invalid',
      message: `is not valid JSON (PropertyNameExpected at character 19); expected a JSON list such as ${EXAMPLE}`,
      offset: 18,
    });
  });

  it('refuses shapes Cloud Run does not accept, saying what it expected', () => {
    const messages = ['{"network":"vpc"}', '[]', '[{"network":"a"},{"network":"b"}]', '["vpc"]', '[{"network":7}]', '[{"tags":["a"]}]', '[{"network":"vpc","tags":"web"}]'].map((text) => {
      const result = parseNetworkInterfaces(text);
      assert.ok(result.kind === 'invalid', text);
      return [result.message, result.offset];
    });
    assert.deepEqual(messages, [
      [`expected a JSON list such as ${EXAMPLE}, got a mapping`, undefined],
      ['expected exactly one network interface (Cloud Run supports one), got 0', undefined],
      ['expected exactly one network interface (Cloud Run supports one), got 2', undefined],
      [`expected the interface to be a JSON object such as ${EXAMPLE.slice(1, -1)}, got "vpc"`, undefined],
      ['expected "network" to be a name such as "vpc", got the number 7', undefined],
      [`expected "network" or "subnetwork" in the interface, such as ${EXAMPLE.slice(1, -1)}`, undefined],
      ['expected "tags" to be a list of strings such as ["web"], got "web"', undefined],
    ]);
  });
});
