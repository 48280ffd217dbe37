import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { workTree } from '../src/sources/file-view.js';
import { loadInputs } from '../src/sources/load.js';

const DIR = 'test/fixtures/import/cloud-deploy';

describe('Cloud Deploy: where a pipeline deploys its Knative manifests', () => {
  it("a manifest that names no region takes its target's run.location, located there; one deployed to two regions is unknown, naming the targets", async () => {
    const loaded = await loadInputs(workTree, [DIR]);
    const byName = new Map(loaded.topology.services.map((s) => [s.name, s]));
    assert.equal(byName.get('orders-dev')?.region, 'europe-west1');
    assert.equal(byName.get('orders-prod')?.region, 'europe-west4');
    assert.equal(loaded.topology.project, 'acme');
    const dev = byName.get('orders-dev');
    assert.ok(dev);
    assert.deepEqual(loaded.locate({ file: `${DIR}/run-dev.yaml`, path: ['services', 0, 'region'] }), { file: `${DIR}/clouddeploy.yaml`, line: 18, column: 13 });
    assert.deepEqual(byName.get('orders-worker')?.region, { unknown: true, reason: 'Cloud Deploy pipeline orders deploys this manifest to targets dev (europe-west1), prod (europe-west4)' });
    const notes = loaded.merged.fragments.flatMap((f) => f.notes);
    assert.ok(notes.includes(`services[orders-dev].region: europe-west1, from Cloud Deploy target dev of pipeline orders (${DIR}/clouddeploy.yaml:18)`), notes.join('\n'));
    assert.ok(!notes.some((n) => n.startsWith('services[orders-dev].region: not in the input')), 'the region is no longer missing');
  });
});
