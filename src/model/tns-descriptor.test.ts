import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTnsDescriptor, TnsSyntaxError, tnsAddresses } from './tns-descriptor.js';

describe('TNS connect descriptors', () => {
  it('reads nested parameters, spaces and quoted values, and lists addresses in order', () => {
    const tree = parseTnsDescriptor(`(DESCRIPTION =
      (ADDRESS = (PROTOCOL = TCPS)(HOST = DB1.Example.com)(PORT = 2484))
      (address = (protocol = ipc)(key = extproc))
      (CONNECT_DATA = (SERVICE_NAME = "sales.example.com")))`);
    const [description] = tree;
    assert.equal(description?.name, 'DESCRIPTION');
    const connectData = description.children.find((c) => c.name === 'CONNECT_DATA');
    assert.deepEqual(connectData?.children.map((c) => [c.name, c.value]), [['SERVICE_NAME', 'sales.example.com']]);
    assert.deepEqual(tnsAddresses(tree), [
      { protocol: 'TCPS', host: 'db1.example.com', port: 2484 },
      { protocol: 'IPC', host: undefined, port: undefined },
    ]);
  });

  it('says what it expected and where', () => {
    const error = (text: string): string => {
      try {
        parseTnsDescriptor(text);
      } catch (e: unknown) {
        if (e instanceof TnsSyntaxError) return e.message;
        throw e;
      }
      return 'parsed';
    };
    assert.equal(error('(DESCRIPTION=(ADDRESS=(HOST=h)'), 'expected ")" at character 31');
    assert.equal(error('(=x)'), 'expected a parameter name at character 2');
    assert.equal(error('DESCRIPTION=x'), 'expected "(" at character 1');
    assert.equal(error(''), 'expected "(" at character 1');
  });

  it('stops at a bounded depth instead of recursing without end', () => {
    const deep = `${'(A='.repeat(10_000)}x${')'.repeat(10_000)}`;
    assert.throws(() => parseTnsDescriptor(deep), /at most 16 levels of parentheses/);
  });
});
