// The SASL_SSL listener's certificate: self-signed for 127.0.0.1 and localhost, made with
// keytool the first time a run folder needs it and kept there across starts, so that a
// client's CA file stays valid.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { runCollecting, tail } from '../processes';
import type { BrokerTls } from './config';
import { KEYTOOL, keytoolMissing } from './java';

const TLS_SUBDIR = 'tls';

const fileExists = (file: string) =>
  fs.access(file).then(
    () => true,
    () => false,
  );

/** The folder's PKCS12 keystore for the broker and the certificate's PEM for clients. */
export async function ensureCertificate(
  dataDir: string,
  log: (message: string) => void,
): Promise<BrokerTls> {
  const dir = path.join(dataDir, TLS_SUBDIR);
  const keystore = path.join(dir, 'broker.p12');
  const passwordFile = path.join(dir, 'keystore.password');
  const caFile = path.join(dir, 'ca.pem');
  const existing = await fs.readFile(passwordFile, 'utf8').catch(() => null);
  if (existing !== null && (await fileExists(keystore)) && (await fileExists(caFile)))
    return { keystore, storePassword: existing.trim(), caFile };

  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const storePassword = randomBytes(18).toString('base64url');
  await fs.writeFile(passwordFile, `${storePassword}\n`, { mode: 0o600 });
  // Read from the file, so the password is not on a command line.
  const store = ['-keystore', keystore, '-storetype', 'PKCS12', '-storepass:file', passwordFile];
  const keytool = async (args: string[]) => {
    const result = await runCollecting(KEYTOOL, args, { cwd: dir }).catch(keytoolMissing);
    if (result.code !== 0)
      throw new Error(`keytool ${args[0]} failed:\n${tail(result.output, 20)}`);
  };
  await keytool([
    '-genkeypair',
    '-alias',
    'broker',
    // EC: generated in a fraction of the time an RSA key takes.
    '-keyalg',
    'EC',
    '-groupname',
    'secp256r1',
    '-validity',
    '3650',
    '-dname',
    'CN=localhost',
    '-ext',
    'SAN=ip:127.0.0.1,dns:localhost',
    ...store,
  ]);
  await keytool(['-exportcert', '-rfc', '-alias', 'broker', '-file', caFile, ...store]);
  log(`made a self-signed certificate for the SASL_SSL listener (${caFile})`);
  return { keystore, storePassword, caFile };
}
