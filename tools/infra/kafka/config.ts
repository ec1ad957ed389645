// What the broker is configured with: server.properties (the listeners, a static one-voter
// quorum, single-replica internal topics), the optional SASL_SSL listener, and log4j.
import { randomBytes } from 'node:crypto';

export interface SaslUser {
  /** Letters, digits and `._-`. */
  name: string;
  /** Letters, digits and `._~+/@%^*!?-`. */
  password: string;
}

/** The SASL_SSL listener's keystore, its password and the certificate's PEM for clients. */
export interface BrokerTls {
  keystore: string;
  storePassword: string;
  caFile: string;
}

export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export const SCRAM_MECHANISMS = SASL_MECHANISMS.filter((mechanism) =>
  mechanism.startsWith('SCRAM'),
);
// What the JAAS configuration and StorageTool's --add-scram take without quoting rules of
// their own: the users are written into both.
const SASL_NAME = /^[A-Za-z0-9._-]{1,64}$/;
const SASL_PASSWORD = /^[A-Za-z0-9._~+/@%^*!?-]{1,128}$/;

export function checkSaslUsers(users: readonly SaslUser[] | undefined): void {
  if (!Array.isArray(users) || users.length === 0) {
    throw new Error('saslSsl needs at least one user ({ name, password })');
  }
  for (const { name, password } of users) {
    if (typeof name !== 'string' || !SASL_NAME.test(name)) {
      throw new Error(`saslSsl: not a usable user name: ${JSON.stringify(name)}`);
    }
    if (typeof password !== 'string' || !SASL_PASSWORD.test(password)) {
      throw new Error(
        `saslSsl: the password of ${name} has characters the broker config cannot hold`,
      );
    }
  }
}

export interface ServerConfig {
  port: number;
  controllerPort: number;
  dataPath: string;
  saslSsl?: { port: number; users: readonly SaslUser[]; tls: BrokerTls };
}

export function serverProperties({
  port,
  controllerPort,
  dataPath,
  saslSsl,
}: ServerConfig): string {
  // The SASL_SSL listener, when asked for, beside the others.
  const secured = saslSsl ? `,SASL_SSL://127.0.0.1:${saslSsl.port}` : '';
  const securedProtocol = saslSsl ? ',SASL_SSL:SASL_SSL' : '';
  return `# Written by Provenant's tools (tools/infra/kafka): a single-node KRaft broker for development and tests.
process.roles=broker,controller
node.id=1
# A static one-voter quorum: nothing to bootstrap, format needs only a cluster id.
controller.quorum.voters=1@127.0.0.1:${controllerPort}
listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}${secured}
advertised.listeners=PLAINTEXT://127.0.0.1:${port}${secured}
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT${securedProtocol}
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
${saslSsl ? saslSslProperties(saslSsl) : ''}`;
}

/** The SASL_SSL listener: TLS with the folder's certificate, then PLAIN or SCRAM. */
function saslSslProperties({ users, tls }: { users: readonly SaslUser[]; tls: BrokerTls }): string {
  const prefix = 'listener.name.sasl_ssl';
  const plainUsers = users.map(({ name, password }) => ` user_${name}="${password}"`).join('');
  const scram = SCRAM_MECHANISMS.map(
    (mechanism) =>
      `${prefix}.${mechanism.toLowerCase()}.sasl.jaas.config=` +
      'org.apache.kafka.common.security.scram.ScramLoginModule required;',
  ).join('\n');
  return `
# SASL_SSL for clients only; the broker's own and the controller's traffic stays PLAINTEXT.
sasl.enabled.mechanisms=${SASL_MECHANISMS.join(',')}
${prefix}.ssl.keystore.type=PKCS12
${prefix}.ssl.keystore.location=${tls.keystore}
${prefix}.ssl.keystore.password=${tls.storePassword}
${prefix}.ssl.client.auth=none
# PLAIN users are listed here; SCRAM users are stored in the metadata log (see formatStorage).
${prefix}.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required${plainUsers};
${scram}
`;
}

export function log4jProperties(logFile: string): string {
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
export function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id; // Kafka avoids these too: they look like a flag
  }
}
