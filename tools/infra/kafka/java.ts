// The JDK tools the broker needs: java to run it, keytool for its TLS certificate.
import { join } from 'node:path';
import { errorCode } from '../processes';

const javaTool = (name: string) =>
  process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', name) : name;
export const JAVA = javaTool('java');
// Makes the SASL_SSL listener's certificate; part of every JDK and JRE.
export const KEYTOOL = javaTool('keytool');

/** For a failed spawn of `java`: says what is missing instead of ENOENT. */
export function javaMissing(error: unknown): never {
  if (errorCode(error) === 'ENOENT') {
    throw new Error(`Java 17+ is needed to run Kafka; \`${JAVA}\` was not found`);
  }
  throw error;
}

export function keytoolMissing(error: unknown): never {
  if (errorCode(error) === 'ENOENT') {
    throw new Error(
      `keytool (part of Java) makes the SASL_SSL certificate; \`${KEYTOOL}\` was not found`,
    );
  }
  throw error;
}
