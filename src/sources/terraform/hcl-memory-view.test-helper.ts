import assert from 'node:assert/strict';
import { posix } from 'node:path';
import type { FileView } from '../file-view.js';
import { readTerraformDirectory, type TerraformDirectory } from './hcl.js';
import type { TerraformResource } from './resource.js';

/** For tests: a configuration held in memory, paths (`cfg/main.tf`) to texts. */
export function memoryView(files: Readonly<Record<string, string>>): FileView {
  const paths = Object.keys(files);
  return {
    label: 'memory',
    kind: (path) => Promise.resolve(path in files ? 'file' : paths.some((p) => p.startsWith(`${path}/`)) ? 'directory' : undefined),
    readText: (path) => {
      const text = files[path];
      return text === undefined ? Promise.reject(new Error(`no ${path}`)) : Promise.resolve(text);
    },
    list: (dir) => {
      const names = new Map<string, 'file' | 'directory'>();
      for (const p of paths.filter((p) => p.startsWith(`${dir}/`))) {
        const [first, ...rest] = p.slice(dir.length + 1).split('/');
        if (first !== undefined) names.set(first, rest.length > 0 ? 'directory' : 'file');
      }
      return Promise.resolve([...names].map(([name, kind]) => ({ name, kind })).sort((a, b) => a.name.localeCompare(b.name)));
    },
  };
}

/** Reads files given by path relative to a directory `cfg`. */
export async function readInMemory(files: Readonly<Record<string, string>>): Promise<TerraformDirectory> {
  return readTerraformDirectory('cfg', memoryView(Object.fromEntries(Object.entries(files).map(([name, text]) => [posix.join('cfg', name), text]))));
}

export function resourceAt(resources: readonly TerraformResource[], address: string): TerraformResource {
  const found = resources.find((r) => r.address === address);
  assert.ok(found, `${address} was read`);
  return found;
}
