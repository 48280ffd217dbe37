import fsp from 'node:fs/promises';
import path from 'node:path';
import { findExecutable, runCommand } from './exec.js';
import { makeTempDir, removeDir } from './temp.js';

/** A private key and its certificate, both PEM. */
export interface KeyAndCert {
  readonly key: string;
  readonly cert: string;
}

/** Test certificates, all PEM strings, made fresh by the `openssl` CLI. */
export interface Certificates {
  /** The test CA's certificate: the only trust anchor clients should be given. */
  readonly ca: string;
  /** For `localhost` and IP 127.0.0.1, signed by the CA, valid now. */
  readonly valid: KeyAndCert;
  /** Like `valid`, but its validity ended in 2020. */
  readonly expired: KeyAndCert;
  /** Signed by the CA, valid now, but only for `wrong.example`. */
  readonly wrongHost: KeyAndCert;
  /** For `localhost` and 127.0.0.1, valid now, signed by itself rather than the CA. */
  readonly selfSigned: KeyAndCert;
  /** Nothing is left on disk once `createCertificates` returns; kept so it reads like every other handle. */
  cleanup(): Promise<void>;
}

const LOCALHOST_SAN = 'subjectAltName = DNS:localhost, IP:127.0.0.1';

function opensslConfig(dir: string): string {
  const leaf = ['basicConstraints = critical, CA:FALSE', 'keyUsage = critical, digitalSignature, keyEncipherment', 'extendedKeyUsage = serverAuth', 'subjectKeyIdentifier = hash'];
  return [
    '[ req ]',
    'distinguished_name = req_dn',
    'prompt = no',
    '[ req_dn ]',
    '[ ca ]',
    'default_ca = test_ca',
    '[ test_ca ]',
    `database = ${path.join(dir, 'index.txt')}`,
    `new_certs_dir = ${path.join(dir, 'issued')}`,
    `serial = ${path.join(dir, 'serial')}`,
    `certificate = ${path.join(dir, 'ca.pem')}`,
    `private_key = ${path.join(dir, 'ca.key')}`,
    'default_md = sha256',
    'policy = policy_any',
    'unique_subject = no',
    'copy_extensions = none',
    'email_in_dn = no',
    '[ policy_any ]',
    'commonName = supplied',
    '[ ca_ext ]',
    'basicConstraints = critical, CA:TRUE',
    'keyUsage = critical, keyCertSign, cRLSign',
    'subjectKeyIdentifier = hash',
    '[ leaf_localhost ]',
    ...leaf,
    'authorityKeyIdentifier = keyid',
    LOCALHOST_SAN,
    '[ leaf_wrong_host ]',
    ...leaf,
    'authorityKeyIdentifier = keyid',
    'subjectAltName = DNS:wrong.example',
    '[ self_signed ]',
    ...leaf,
    LOCALHOST_SAN,
    '',
  ].join('\n');
}

/**
 * Generates a test CA and four server certificates (valid, expired, wrong host, self-signed) with
 * the `openssl` CLI in a temp dir, reads them as PEM, and removes the temp dir again.
 * The expired one is issued by `openssl ca -startdate/-enddate` (OpenSSL 3.0 has no x509 -not_before).
 */
export async function createCertificates(): Promise<Certificates> {
  const openssl = findExecutable('openssl');
  if (openssl === undefined) throw new Error('openssl not found (apt-get install openssl)');
  const dir = await makeTempDir('tls');
  try {
    const config = path.join(dir, 'openssl.cnf');
    await fsp.writeFile(config, opensslConfig(dir));
    await fsp.writeFile(path.join(dir, 'index.txt'), '');
    await fsp.writeFile(path.join(dir, 'serial'), '1000\n');
    await fsp.mkdir(path.join(dir, 'issued'));
    const file = (name: string): string => path.join(dir, name);
    const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-noenc', '-config', config];
    const run = (args: string[]): Promise<unknown> => runCommand(openssl, args, { cwd: dir });

    const requests = (
      [
        ['valid', '/CN=localhost'],
        ['expired', '/CN=localhost'],
        ['wrong', '/CN=wrong.example'],
      ] as const
    ).map(([name, subject]) => run(['req', '-new', ...newKey, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`), '-subj', subject]));
    // Wait for every one of them, even after a failure, before the temp dir goes.
    const created = await Promise.allSettled([
      run(['req', '-x509', ...newKey, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '3', '-subj', '/CN=Lifeline Test CA', '-extensions', 'ca_ext']),
      run(['req', '-x509', ...newKey, '-keyout', file('self.key'), '-out', file('self.pem'), '-days', '3', '-subj', '/CN=localhost', '-extensions', 'self_signed']),
      ...requests,
    ]);
    for (const result of created) if (result.status === 'rejected') throw result.reason;
    // `openssl ca` shares one database and serial file: one at a time.
    const sign = (name: string, extensions: string, validity: string[]): Promise<unknown> =>
      run(['ca', '-batch', '-notext', '-config', config, '-in', file(`${name}.csr`), '-out', file(`${name}.pem`), '-extensions', extensions, ...validity]);
    await sign('valid', 'leaf_localhost', ['-days', '3']);
    await sign('expired', 'leaf_localhost', ['-startdate', '20200101000000Z', '-enddate', '20200102000000Z']);
    await sign('wrong', 'leaf_wrong_host', ['-days', '3']);

    const read = (name: string): Promise<string> => fsp.readFile(file(name), 'utf8');
    const pair = async (name: string): Promise<KeyAndCert> => ({ key: await read(`${name}.key`), cert: await read(`${name}.pem`) });
    return {
      ca: await read('ca.pem'),
      valid: await pair('valid'),
      expired: await pair('expired'),
      wrongHost: await pair('wrong'),
      selfSigned: await pair('self'),
      cleanup: () => removeDir(dir),
    };
  } finally {
    await removeDir(dir);
  }
}
