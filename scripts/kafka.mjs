#!/usr/bin/env node
// A real single-node Apache Kafka broker (KRaft: broker and controller in one JVM) for the
// demo, the tests and local development, with no Docker and no Kafka distribution to
// install: the jars come from Maven Central through tools/kafka/pom.xml and are cached
// in .cache/kafka/<version>/libs.
//
// A data folder keeps its broker: starting again on a folder this script has formatted
// brings back its topics, messages and consumer-group offsets, on the port it last used
// unless told another one. Only `--fresh` (`fresh: true`) wipes the folder first.
//
// CLI:
//   node scripts/kafka.mjs start [--port 9092] [--dir .cache/kafka-run/default] [--fresh]
//       starts a detached broker, prints KAFKA_BROKERS=127.0.0.1:<port> once it is ready;
//       port 9092 for a new folder, the folder's last port for an existing one
//   node scripts/kafka.mjs stop [--dir .cache/kafka-run/default]     keeps the data
//   node scripts/kafka.mjs fetch        fetches the jars only, prints the libs folder
//
// Module (only Node built-ins, so it runs before and without `npm install`):
//   const kafka = await startKafka();          // free port, fresh temporary folder
//   ... use kafka.brokers ...
//   await kafka.stop();                        // removes that temporary folder
//   await kafka.stop({ keepData: true });      // or keeps it, to start again:
//   await startKafka({ dataDir: kafka.dataDir, port: kafka.port });
//
// Needs Java 17+ (`java` on the PATH or JAVA_HOME) and, for the first fetch, Maven.

import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, realpathSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const POM = path.join(ROOT, 'tools', 'kafka', 'pom.xml');
const POM_TEXT = readFileSync(POM, 'utf8');

/** The pinned Kafka version; the pom is the single place it is written down. */
export const KAFKA_VERSION = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(POM_TEXT)[1];

const LIBS_DIR = path.join(ROOT, '.cache', 'kafka', KAFKA_VERSION, 'libs');
// Written into the libs folder after a complete fetch. It holds a hash of the pom, so
// changing any pinned version (the logging jars too) fetches again.
const LIBS_MARKER = '.complete';
const POM_HASH = createHash('sha256').update(POM_TEXT).digest('hex');

const DEFAULT_RUN_DIR = path.join(ROOT, '.cache', 'kafka-run', 'default');
// Present in every folder this script formats; a folder without it (and not empty) is
// never wiped, so a mistyped --dir cannot delete someone's files.
const RUN_DIR_MARKER = '.kafka-run';
// Under the run folder: the broker's log.dirs (its metadata log too), holding meta.properties
// once formatted.
const DATA_SUBDIR = 'data';
const PROPS_FILE = 'server.properties';
const DEFAULT_CLI_PORT = 9092;
const PID_FILE = 'kafka.pid';
const STARTED_LINE = 'Kafka Server started';

const START_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 20_000;
const POLL_MS = 100;

const JAVA = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';

const stderrLog = (message) => process.stderr.write(`[kafka] ${message}\n`);
/** `log: false` (or null) silences progress messages. */
const logger = (log) => (typeof log === 'function' ? log : () => {});

/**
 * Makes sure the broker's jars are in the cache, fetching them with Maven the first time.
 * Safe to call from several processes at once: each fetches into its own folder and the
 * first complete one is renamed into place.
 * @param {{ log?: ((message: string) => void) | false }} [options] progress messages go to
 *   stderr unless `log` says otherwise
 * @returns {Promise<string>} the folder holding the jars
 */
export async function ensureKafkaJars({ log = stderrLog } = {}) {
  log = logger(log);
  if (await hasCompleteLibs()) return LIBS_DIR;

  const started = Date.now();
  log(`fetching Apache Kafka ${KAFKA_VERSION} jars from Maven Central (once) ...`);
  const tmpDir = `${LIBS_DIR}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await fs.rm(tmpDir, { recursive: true, force: true });
  await fs.mkdir(path.dirname(LIBS_DIR), { recursive: true });
  try {
    const mvn = await run('mvn', [
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
      await fs.rename(tmpDir, LIBS_DIR).catch(async (error) => {
        // Another process renamed its copy into place first: use that one.
        if (!(await hasCompleteLibs())) throw error;
      });
    }
  } catch (error) {
    if (error.code === 'ENOENT' && error.syscall?.startsWith('spawn')) {
      throw new Error(
        'Maven (`mvn`) is needed once to fetch the Kafka jars; it is not on the PATH',
      );
    }
    throw error;
  } finally {
    await fs.rm(tmpDir, { recursive: true, force: true });
  }
  const jars = (await fs.readdir(LIBS_DIR)).filter((name) => name.endsWith('.jar'));
  log(`fetched ${jars.length} jars in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return LIBS_DIR;
}

/**
 * Starts a broker and resolves once it accepts clients. A data folder this script has
 * formatted before is started again as it is (topics, messages and consumer-group offsets
 * kept); an empty or new one is formatted first.
 * @param {object} [options]
 * @param {number} [options.port] client port on 127.0.0.1. When omitted: the port the folder
 *   was last started with, or a free one for a new folder. Another port than last time is
 *   fine: the listeners are configured afresh on every start.
 * @param {string} [options.dataDir] folder for config, data, logs and the pid file. When
 *   omitted, a new temporary folder that `stop()` removes again.
 * @param {boolean} [options.fresh] wipe `dataDir` and format it anew even if it holds a
 *   broker. A folder that is not empty and lacks this script's marker is never wiped.
 * @param {((message: string) => void) | false} [options.log] progress messages; stderr by
 *   default, `false` for none
 * @param {boolean} [options.detached] keep the broker running after this process exits
 *   (the CLI uses it); otherwise the broker is killed when this process exits normally
 * @returns {Promise<{ brokers: string, port: number, controllerPort: number, pid: number,
 *   dataDir: string, logFile: string, startMs: number, restarted: boolean,
 *   stop: (options?: { keepData?: boolean }) => Promise<void> }>} `restarted`: the folder's
 *   existing data was kept. `stop()` keeps a caller's `dataDir` and removes a temporary
 *   one; `keepData` says otherwise.
 */
export async function startKafka({
  port,
  dataDir,
  log = stderrLog,
  detached = false,
  fresh = false,
} = {}) {
  log = logger(log);
  const libs = await ensureKafkaJars({ log });
  const started = Date.now();

  const ownsDataDir = !dataDir;
  dataDir = dataDir
    ? path.resolve(dataDir)
    : await fs.mkdtemp(path.join(os.tmpdir(), 'provenant-kafka-'));
  await fs.mkdir(dataDir, { recursive: true });
  // The canonical path: stopKafka() recognises the broker by it in the process table.
  dataDir = await fs.realpath(dataDir);
  // The listeners of the broker to start again, or null when the folder is (now) empty.
  const previous = await prepareRunDir(dataDir, { fresh, log });
  const restarted = previous !== null;

  if (port === undefined) port = previous?.port ?? (await freePort());
  if (!(await isPortFree(port))) {
    const hint =
      restarted && previous.port === port
        ? `; it is the port ${dataDir} last ran on, another one can be given (--port)`
        : '';
    throw new Error(
      `port ${port} on 127.0.0.1 is already in use (a broker still running? ` +
        `\`node scripts/kafka.mjs stop\`${hint})`,
    );
  }
  // The controller keeps its port too when it can; with a static one-voter quorum it may
  // also move (the voter set comes from the configuration, not from the stored metadata).
  let controllerPort =
    previous?.controllerPort &&
    previous.controllerPort !== port &&
    (await isPortFree(previous.controllerPort))
      ? previous.controllerPort
      : await freePort();
  while (controllerPort === port) controllerPort = await freePort();

  const dataPath = path.join(dataDir, DATA_SUBDIR);
  const logsDir = path.join(dataDir, 'logs');
  const logFile = path.join(logsDir, 'server.log');
  const outFile = path.join(dataDir, 'kafka.out');
  const propsFile = path.join(dataDir, PROPS_FILE);
  const log4jFile = path.join(dataDir, 'log4j2.properties');
  await fs.mkdir(logsDir, { recursive: true });
  // Written on every start: this is where the ports are kept, and they may have changed.
  await fs.writeFile(propsFile, serverProperties({ port, controllerPort, dataPath }));
  await fs.writeFile(log4jFile, log4jProperties(logFile));
  // A restarted broker appends to its old log, which already holds a start-up line.
  const logOffset = await fs.stat(logFile).then(
    (stat) => stat.size,
    () => 0,
  );

  const classpath = `${libs}${path.sep}*`; // expanded by java itself, no shell involved
  const log4jOpt = `-Dlog4j2.configurationFile=${log4jFile}`;

  if (restarted) {
    const moved = [
      previous.port !== undefined && previous.port !== port && `port ${previous.port} → ${port}`,
      previous.controllerPort !== undefined &&
        previous.controllerPort !== controllerPort &&
        `controller port ${previous.controllerPort} → ${controllerPort}`,
    ].filter(Boolean);
    log(
      `starting the broker in ${dataDir} again, with its topics and offsets` +
        (moved.length > 0 ? ` (${moved.join(', ')})` : ''),
    );
  } else {
    await formatStorage({ dataDir, classpath, log4jOpt, propsFile });
  }

  const outFd = openSync(outFile, 'a');
  let child;
  try {
    child = spawn(
      JAVA,
      [
        '-Xms256m',
        '-Xmx512m',
        // The GC settings of Kafka's own start script (kafka-run-class.sh).
        '-XX:+UseG1GC',
        '-XX:MaxGCPauseMillis=20',
        '-XX:InitiatingHeapOccupancyPercent=35',
        '-XX:+ExplicitGCInvokesConcurrent',
        '-Djava.awt.headless=true',
        log4jOpt,
        `-Dkafka.logs.dir=${logsDir}`,
        '-cp',
        classpath,
        'kafka.Kafka',
        propsFile,
      ],
      // A file, not a pipe, for stdout/stderr: a detached broker outlives this process,
      // and nobody would drain a pipe.
      { cwd: dataDir, detached, stdio: ['ignore', outFd, outFd] },
    );
  } finally {
    closeSync(outFd);
  }
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const spawnError = new Promise((_, reject) => child.once('error', reject)).catch(javaMissing);
  await Promise.race([new Promise((resolve) => child.once('spawn', resolve)), spawnError]);
  const pid = child.pid;
  await fs.writeFile(path.join(dataDir, PID_FILE), `${pid}\n`);

  // Best effort for the attached case: a test run that forgets stop() still takes its
  // broker down when it exits normally. (A SIGKILLed parent leaves it running.)
  const killOnExit = () => child.kill('SIGKILL');
  if (!detached) process.once('exit', killOnExit);

  let exitInfo;
  void exited.then((info) => (exitInfo = info));

  const ports = [port, controllerPort];
  let stopping;
  const shutDown = ({ removeDataDir }) =>
    (stopping ??= (async () => {
      // Once it has exited, its pid may belong to someone else: no more signals.
      if (!exitInfo) await stopProcess(pid, { exited, ports });
      process.removeListener('exit', killOnExit);
      await fs.rm(path.join(dataDir, PID_FILE), { force: true });
      if (removeDataDir) await fs.rm(dataDir, { recursive: true, force: true });
    })());
  // On a failed start the data folder stays, temporary or not: the error points into it.
  const failStart = async (reason) => {
    await shutDown({ removeDataDir: false });
    throw new Error(`${reason}\n${await brokerLogTail(dataDir)}`);
  };

  for (;;) {
    if (exitInfo) {
      const how = exitInfo.signal ?? `code ${exitInfo.code}`;
      await failStart(`the Kafka broker exited during start-up (${how})`);
    }
    if (Date.now() - started > START_TIMEOUT_MS) {
      await failStart(`the Kafka broker was not ready after ${START_TIMEOUT_MS / 1000} s`);
    }
    // The log line alone is not enough: the acceptor must take connections too.
    if ((await logContains(logFile, STARTED_LINE, logOffset)) && (await isPortOpen(port))) break;
    await sleep(POLL_MS);
  }
  if (detached) child.unref();

  const startMs = Date.now() - started;
  const brokers = `127.0.0.1:${port}`;
  log(`broker ${brokers} ready in ${startMs} ms (pid ${pid}, data ${dataDir})`);
  const stop = ({ keepData = !ownsDataDir } = {}) => shutDown({ removeDataDir: !keepData });

  return { brokers, port, controllerPort, pid, dataDir, logFile, startMs, restarted, stop };
}

/**
 * Stops the broker whose pid file is in `dataDir` (one started by the CLI or an earlier run).
 * @param {{ dataDir?: string }} [options]
 * @returns {Promise<boolean>} whether a running broker was found and stopped
 */
export async function stopKafka({ dataDir = DEFAULT_RUN_DIR } = {}) {
  dataDir = await fs.realpath(dataDir).catch(() => path.resolve(dataDir));
  const pidFile = path.join(dataDir, PID_FILE);
  const pid = Number.parseInt(await fs.readFile(pidFile, 'utf8').catch(() => ''), 10);
  let stopped = false;
  if (Number.isInteger(pid) && pid > 0 && isOurBroker(pid, dataDir)) {
    await stopProcess(pid, { ports: await listenerPorts(dataDir) });
    stopped = true;
  }
  await fs.rm(pidFile, { force: true });
  return stopped;
}

/**
 * A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it).
 * @returns {Promise<number>}
 */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------------------------------

function serverProperties({ port, controllerPort, dataPath }) {
  return `# Written by scripts/kafka.mjs: a single-node KRaft broker for development and tests.
process.roles=broker,controller
node.id=1
# A static one-voter quorum: nothing to bootstrap, format needs only a cluster id.
controller.quorum.voters=1@127.0.0.1:${controllerPort}
listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}
advertised.listeners=PLAINTEXT://127.0.0.1:${port}
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=${dataPath}

# One broker: every internal topic must make do with a single replica.
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Fewer partitions for the internal topics than the default 50: they are created on the
# first consumer group / transaction, and a test waits for that.
offsets.topic.num.partitions=5
transaction.state.log.num.partitions=5

# Consumers join without the 3 s wait meant to batch up a production group's members.
group.initial.rebalance.delay.ms=0
num.partitions=3
auto.create.topics.enable=true
delete.topic.enable=true

# Small segments and a short retention: this broker holds test data only.
log.segment.bytes=16777216
log.retention.hours=24
`;
}

function log4jProperties(logFile) {
  // Everything goes to a file (rolled, so a long-lived broker does not fill the disk);
  // nothing is logged to the console.
  const base = logFile.replace(/\.log$/, '');
  return `status = warn
appender.file.type = RollingFile
appender.file.name = file
appender.file.fileName = ${logFile}
appender.file.filePattern = ${base}-%i.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
appender.file.policies.type = Policies
appender.file.policies.size.type = SizeBasedTriggeringPolicy
appender.file.policies.size.size = 10MB
appender.file.strategy.type = DefaultRolloverStrategy
appender.file.strategy.max = 3
rootLogger.level = info
rootLogger.appenderRef.file.ref = file
`;
}

/** A cluster id as Kafka's Uuid prints it: 16 random bytes, base64url without padding. */
function clusterId() {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id; // Kafka avoids these too: they look like a flag
  }
}

async function hasCompleteLibs() {
  const marker = await fs.readFile(path.join(LIBS_DIR, LIBS_MARKER), 'utf8').catch(() => '');
  return marker.trim() === POM_HASH;
}

/**
 * Stops a broker left running in `dir` by an earlier run. A folder holding a formatted
 * broker is left as it is (unless `fresh`), and its last listener ports are returned; any
 * other run folder is emptied and null returned.
 */
async function prepareRunDir(dir, { fresh, log }) {
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
 * The listener ports a run folder was last started with, if it holds a broker this script
 * formatted (its marker and formatted storage); null otherwise. A port is undefined when
 * the configuration does not tell.
 * @returns {Promise<{ port?: number, controllerPort?: number } | null>}
 */
async function formattedRun(dir) {
  const exists = (file) =>
    fs.access(path.join(dir, file)).then(
      () => true,
      () => false,
    );
  if (!(await exists(RUN_DIR_MARKER)) || !(await exists(path.join(DATA_SUBDIR, 'meta.properties'))))
    return null;
  return listeners(dir);
}

/** Formats the storage of a new broker: a new cluster id, node 1, the static quorum. */
async function formatStorage({ dataDir, classpath, log4jOpt, propsFile }) {
  // Formatting is a short-lived JVM: C1-only compilation starts it noticeably faster.
  const format = await run(
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
    ],
    { cwd: dataDir },
  ).catch(javaMissing);
  if (format.code !== 0) {
    throw new Error(`formatting Kafka storage failed:\n${tail(format.output, 40)}`);
  }
}

/** SIGTERM (Kafka shuts down cleanly), SIGKILL after a grace period; waits for the ports. */
async function stopProcess(pid, { exited, ports = [] }) {
  const gone = exited
    ? () => Promise.race([exited.then(() => true), sleep(POLL_MS).then(() => false)])
    : async () => {
        if (isAlive(pid)) await sleep(POLL_MS);
        return !isAlive(pid);
      };
  const waitGone = async (ms) => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) if (await gone()) return true;
    return false;
  };

  if (!signal(pid, 'SIGTERM') || (await waitGone(STOP_GRACE_MS))) {
    await waitPortsClosed(ports);
    return;
  }
  signal(pid, 'SIGKILL');
  if (!(await waitGone(5_000))) throw new Error(`the Kafka broker (pid ${pid}) did not exit`);
  await waitPortsClosed(ports);
}

async function waitPortsClosed(ports) {
  const deadline = Date.now() + 5_000;
  for (const port of ports) {
    while ((await isPortOpen(port)) && Date.now() < deadline) await sleep(POLL_MS);
  }
}

function signal(pid, name) {
  try {
    process.kill(pid, name);
    return true;
  } catch (error) {
    if (error.code === 'ESRCH') return false;
    throw error;
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return error.code === 'EPERM';
  }
  // A zombie still answers signal 0; on Linux, /proc tells it apart.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true;
  }
}

/** Guards against a recycled pid: on Linux, check it is our broker for this folder. */
function isOurBroker(pid, dataDir) {
  if (!isAlive(pid)) return false;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('kafka.Kafka') && cmdline.includes(dataDir);
  } catch {
    return true; // no /proc (macOS): trust the pid file
  }
}

async function listenerPorts(dataDir) {
  const { port, controllerPort } = await listeners(dataDir);
  return [port, controllerPort].filter((value) => value !== undefined);
}

/** The ports in the folder's server.properties (written by the last start). */
async function listeners(dataDir) {
  const props = await fs.readFile(path.join(dataDir, PROPS_FILE), 'utf8').catch(() => '');
  const line = /^listeners=(.*)$/m.exec(props)?.[1] ?? '';
  const portOf = (name) => {
    const match = new RegExp(`(?:^|,)${name}://[^,]*:(\\d+)(?:,|$)`).exec(line);
    return match ? Number(match[1]) : undefined;
  };
  return { port: portOf('PLAINTEXT'), controllerPort: portOf('CONTROLLER') };
}

function isPortOpen(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(1_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

function isPortFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Whether `text` is in `file` after byte `from` (from the start if it has rolled over). */
async function logContains(file, text, from = 0) {
  const content = await fs.readFile(file).catch(() => Buffer.alloc(0));
  return content.subarray(content.length < from ? 0 : from).includes(text);
}

async function brokerLogTail(dataDir) {
  const parts = [];
  for (const [name, file] of [
    ['logs/server.log', path.join(dataDir, 'logs', 'server.log')],
    ['kafka.out', path.join(dataDir, 'kafka.out')],
  ]) {
    const content = await fs.readFile(file, 'utf8').catch(() => '');
    if (content.trim())
      parts.push(`--- last lines of ${path.join(dataDir, name)} ---\n${tail(content, 30)}`);
  }
  return parts.join('\n') || `(no broker output in ${dataDir})`;
}

/** Runs a command to completion, collecting stdout and stderr together. */
function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

function javaMissing(error) {
  if (error.code === 'ENOENT') {
    throw new Error(`Java 17+ is needed to run Kafka; \`${JAVA}\` was not found`);
  }
  throw error;
}

function tail(text, lines) {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------------------------------

function parseArgs(argv) {
  const [command, ...rest] = argv;
  const options = {};
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--fresh') {
      options.fresh = true;
      continue;
    }
    const match = /^--(port|dir)(?:=(.*))?$/.exec(rest[i]);
    if (!match) throw new Error(`unknown argument: ${rest[i]}`);
    const value = match[2] ?? rest[++i];
    if (value === undefined) throw new Error(`--${match[1]} needs a value`);
    options[match[1]] = value;
  }
  if (options.port !== undefined) {
    const port = Number(options.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new Error(`not a port: ${options.port}`);
    }
    options.port = port;
  }
  return {
    command,
    port: options.port,
    dir: options.dir ?? DEFAULT_RUN_DIR,
    fresh: options.fresh ?? false,
  };
}

const USAGE = `usage: node scripts/kafka.mjs start [--port ${DEFAULT_CLI_PORT}] [--dir ${path.relative(ROOT, DEFAULT_RUN_DIR)}] [--fresh]
       node scripts/kafka.mjs stop [--dir ${path.relative(ROOT, DEFAULT_RUN_DIR)}]
       node scripts/kafka.mjs fetch`;

async function main(argv) {
  const { command, port, dir, fresh } = parseArgs(argv);
  switch (command) {
    case 'start': {
      // A folder with a broker in it keeps its port unless --port says otherwise.
      const kept = !fresh && (await formattedRun(path.resolve(dir)));
      const kafka = await startKafka({
        port: port ?? (kept ? kept.port : undefined) ?? DEFAULT_CLI_PORT,
        dataDir: dir,
        fresh,
        detached: true,
      });
      process.stdout.write(`KAFKA_BROKERS=${kafka.brokers}\n`);
      return 0;
    }
    case 'stop':
      stderrLog((await stopKafka({ dataDir: dir })) ? 'broker stopped' : 'no broker was running');
      return 0;
    case 'fetch':
      process.stdout.write(`${await ensureKafkaJars()}\n`);
      return 0;
    default:
      process.stderr.write(`${USAGE}\n`);
      return 2;
  }
}

function invokedDirectly() {
  try {
    return import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false; // no script path (node -e, a REPL)
  }
}

if (invokedDirectly()) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      stderrLog(error.message);
      process.exit(1);
    },
  );
}
