// A broker's run folder: its configuration, data, logs and pid file. A folder keeps its
// broker: one formatted before is started again as it is; only a folder carrying our
// marker is ever wiped.
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { CACHE_DIR } from '../paths';
import { waitPortsClosed } from '../ports';
import { isAlive, runCollecting, stopProcess, tail } from '../processes';
import { clusterId, SCRAM_MECHANISMS, type SaslUser } from './config';
import { JAVA, javaMissing } from './java';

export const DEFAULT_RUN_DIR = path.join(CACHE_DIR, 'kafka-run', 'default');
// Present in every folder we format; a folder without it (and not empty) is never wiped,
// so a mistyped --dir cannot delete someone's files.
const RUN_DIR_MARKER = '.kafka-run';
// Under the run folder: the broker's log.dirs (its metadata log too), holding
// meta.properties once formatted.
export const DATA_SUBDIR = 'data';
export const PROPS_FILE = 'server.properties';
export const PID_FILE = 'kafka.pid';
const STOP_GRACE_MS = 20_000;

/** The listener ports of a run folder's last start; undefined where its configuration does not tell. */
export interface RunPorts {
  port?: number;
  controllerPort?: number;
  saslSslPort?: number;
}

/**
 * Stops a broker left running in `dir` by an earlier run. A folder holding a formatted
 * broker is left as it is (unless `fresh`), and its last listener ports are returned; any
 * other run folder is emptied and null returned.
 */
export async function prepareRunDir(
  dir: string,
  { fresh, log }: { fresh: boolean; log: (message: string) => void },
): Promise<RunPorts | null> {
  const entries = await fs.readdir(dir);
  if (entries.length > 0) {
    if (!entries.includes(RUN_DIR_MARKER)) {
      throw new Error(`refusing to wipe ${dir}: not empty and not a Kafka run folder`);
    }
    if (await stopKafka({ dataDir: dir })) log(`stopped the broker left running in ${dir}`);
    if (!fresh) {
      const previous = await formattedRun(dir);
      if (previous) return previous;
    }
    await Promise.all(
      entries.map((entry) => fs.rm(path.join(dir, entry), { recursive: true, force: true })),
    );
  }
  await fs.writeFile(path.join(dir, RUN_DIR_MARKER), '');
  return null;
}

/**
 * The listener ports a run folder was last started with, if it holds a broker we formatted
 * (its marker and formatted storage); null otherwise.
 */
export async function formattedRun(dir: string): Promise<RunPorts | null> {
  const exists = (file: string) =>
    fs.access(path.join(dir, file)).then(
      () => true,
      () => false,
    );
  if (!(await exists(RUN_DIR_MARKER)) || !(await exists(path.join(DATA_SUBDIR, 'meta.properties'))))
    return null;
  return listeners(dir);
}

/** The ports in the folder's server.properties (written by the last start). */
async function listeners(dataDir: string): Promise<RunPorts> {
  const props = await fs.readFile(path.join(dataDir, PROPS_FILE), 'utf8').catch(() => '');
  const line = /^listeners=(.*)$/m.exec(props)?.[1] ?? '';
  const portOf = (name: string) => {
    const match = new RegExp(`(?:^|,)${name}://[^,]*:(\\d+)(?:,|$)`).exec(line);
    return match ? Number(match[1]) : undefined;
  };
  return {
    port: portOf('PLAINTEXT'),
    controllerPort: portOf('CONTROLLER'),
    saslSslPort: portOf('SASL_SSL'),
  };
}

export const definedPorts = ({ port, controllerPort, saslSslPort }: RunPorts): number[] =>
  [port, controllerPort, saslSslPort].filter((value): value is number => value !== undefined);

/**
 * Formats the storage of a new broker: a new cluster id, node 1, the static quorum, and the
 * SCRAM credentials of `scramUsers` (KRaft keeps them in the metadata log).
 */
export async function formatStorage({
  dataDir,
  classpath,
  log4jOpt,
  propsFile,
  scramUsers = [],
}: {
  dataDir: string;
  classpath: string;
  log4jOpt: string;
  propsFile: string;
  scramUsers?: readonly SaslUser[];
}): Promise<void> {
  const scram = scramUsers.flatMap(({ name, password }) =>
    SCRAM_MECHANISMS.flatMap((mechanism) => [
      '--add-scram',
      `${mechanism}=[name=${name},password=${password}]`,
    ]),
  );
  // Formatting is a short-lived JVM: C1-only compilation starts it noticeably faster.
  const format = await runCollecting(
    JAVA,
    [
      '-XX:TieredStopAtLevel=1',
      log4jOpt,
      '-cp',
      classpath,
      'kafka.tools.StorageTool',
      'format',
      '--cluster-id',
      clusterId(),
      '--config',
      propsFile,
      ...scram,
    ],
    { cwd: dataDir },
  ).catch(javaMissing);
  if (format.code !== 0) {
    throw new Error(`formatting Kafka storage failed:\n${tail(format.output, 40)}`);
  }
}

/** SIGTERM (Kafka shuts down cleanly), SIGKILL after a grace period; waits for the ports. */
export async function stopBroker(
  pid: number,
  { exited, ports }: { exited?: Promise<unknown>; ports: number[] },
): Promise<void> {
  await stopProcess(pid, { exited, graceMs: STOP_GRACE_MS, what: 'the Kafka broker' });
  await waitPortsClosed(ports);
}

/**
 * Stops the broker whose pid file is in `dataDir` (one started by the CLI or an earlier
 * run); whether a running broker was found and stopped.
 */
export async function stopKafka({
  dataDir = DEFAULT_RUN_DIR,
}: { dataDir?: string } = {}): Promise<boolean> {
  const dir = await fs.realpath(dataDir).catch(() => path.resolve(dataDir));
  const pidFile = path.join(dir, PID_FILE);
  const pid = Number.parseInt(await fs.readFile(pidFile, 'utf8').catch(() => ''), 10);
  let stopped = false;
  if (Number.isInteger(pid) && pid > 0 && isOurBroker(pid, dir)) {
    await stopBroker(pid, { ports: definedPorts(await listeners(dir)) });
    stopped = true;
  }
  await fs.rm(pidFile, { force: true });
  return stopped;
}

/** Guards against a recycled pid: on Linux, check it is our broker for this folder. */
function isOurBroker(pid: number, dataDir: string): boolean {
  if (!isAlive(pid)) return false;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('kafka.Kafka') && cmdline.includes(dataDir);
  } catch {
    return true; // no /proc (macOS): trust the pid file
  }
}
