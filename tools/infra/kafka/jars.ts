// The broker's jars: fetched from Maven Central through tools/kafka/pom.xml the first time,
// then kept in .cache/kafka/<version>/libs.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { CACHE_DIR, ROOT } from '../paths';
import { errorCode, runCollecting, tail } from '../processes';

const POM = path.join(ROOT, 'tools', 'kafka', 'pom.xml');
const POM_TEXT = readFileSync(POM, 'utf8');

/** The pinned Kafka version; the pom is the single place it is written down. */
export const KAFKA_VERSION = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(POM_TEXT)![1];

const LIBS_DIR = path.join(CACHE_DIR, 'kafka', KAFKA_VERSION, 'libs');
// Written into the libs folder after a complete fetch. It holds a hash of the pom, so
// changing any pinned version (the logging jars too) fetches again.
const LIBS_MARKER = '.complete';
const POM_HASH = createHash('sha256').update(POM_TEXT).digest('hex');

/** Progress messages; `false` (or null) for none. */
export type KafkaLog = ((message: string) => void) | false | null;
export const stderrLog = (message: string): void => {
  process.stderr.write(`[kafka] ${message}\n`);
};
export const logger = (log: KafkaLog | undefined): ((message: string) => void) =>
  typeof log === 'function' ? log : () => {};

/**
 * Makes sure the broker's jars are in the cache, fetching them with Maven the first time;
 * returns the folder holding them. Safe to call from several processes at once: each
 * fetches into its own folder and the first complete one is renamed into place.
 */
export async function ensureKafkaJars({
  log = stderrLog,
}: { log?: KafkaLog } = {}): Promise<string> {
  const say = logger(log);
  if (await hasCompleteLibs()) return LIBS_DIR;

  const started = Date.now();
  say(`fetching Apache Kafka ${KAFKA_VERSION} jars from Maven Central (once) ...`);
  const tmpDir = `${LIBS_DIR}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await fs.rm(tmpDir, { recursive: true, force: true });
  await fs.mkdir(path.dirname(LIBS_DIR), { recursive: true });
  try {
    const mvn = await runCollecting('mvn', [
      '-q',
      '-B',
      '-f',
      POM,
      'dependency:copy-dependencies',
      `-DoutputDirectory=${tmpDir}`,
    ]);
    if (mvn.code !== 0) {
      throw new Error(
        `fetching the Kafka jars failed (mvn exited with ${mvn.code}):\n${tail(mvn.output, 40)}`,
      );
    }
    await fs.writeFile(path.join(tmpDir, LIBS_MARKER), `${POM_HASH}\n`);
    if (!(await hasCompleteLibs())) {
      await fs.rm(LIBS_DIR, { recursive: true, force: true });
      await fs.rename(tmpDir, LIBS_DIR).catch(async (error: unknown) => {
        // Another process renamed its copy into place first: use that one.
        if (!(await hasCompleteLibs())) throw error;
      });
    }
  } catch (error) {
    if (
      errorCode(error) === 'ENOENT' &&
      (error as NodeJS.ErrnoException).syscall?.startsWith('spawn')
    ) {
      throw new Error(
        'Maven (`mvn`) is needed once to fetch the Kafka jars; it is not on the PATH',
      );
    }
    throw error;
  } finally {
    await fs.rm(tmpDir, { recursive: true, force: true });
  }
  const jars = (await fs.readdir(LIBS_DIR)).filter((name) => name.endsWith('.jar'));
  say(`fetched ${jars.length} jars in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return LIBS_DIR;
}

async function hasCompleteLibs(): Promise<boolean> {
  const marker = await fs.readFile(path.join(LIBS_DIR, LIBS_MARKER), 'utf8').catch(() => '');
  return marker.trim() === POM_HASH;
}
