/**
 * The one place that decides what a failure on the storing path means. A transient failure
 * (the connection, the server's state, a lock conflict) is retried and must not cost an event;
 * anything else is permanent and caused by what was being stored, so the caller isolates the
 * message(s) behind it.
 */
export type StorageFailureKind = 'transient' | 'permanent';

export interface StorageFailure {
  kind: StorageFailureKind;
  /** A reason safe to log and to put in a DLQ header: never the database's message text,
   *  which may quote the stored value. */
  reason: string;
}

// SQLSTATE classes and codes that say nothing about the data: connection exceptions,
// invalid authorization (a changed password, pg_hba.conf refusing a connection without
// TLS), transaction rollbacks (serialization, deadlock), resources, operator intervention,
// system errors, and lock timeouts.
const TRANSIENT_CLASSES = new Set(['08', '28', '40', '53', '57', '58']);
const TRANSIENT_CODES = new Set(['55P03', '55006', '25P03', '25P04']);

// What node-postgres and the socket report when there is no server answer at all.
const TRANSIENT_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
// TLS to the server failing (its certificate expired, signed by a CA we do not trust or for
// another name; the handshake refused) says as little about the data as a refused
// connection, and lasts until the setup is fixed. Node reports OpenSSL's verification codes
// as they are, and its own TLS errors as ERR_TLS_* or ERR_SSL_*.
const TLS_VERIFY_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_REJECTED',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_CHAIN_TOO_LONG',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'PATH_LENGTH_EXCEEDED',
  'HOSTNAME_MISMATCH',
]);
const TLS_ERROR_CODE = /^ERR_(?:TLS|SSL)_[A-Z0-9_]+$/;

const TRANSIENT_MESSAGES = [
  /connection terminated/i,
  /terminating connection/i,
  /not queryable/i,
  /timeout exceeded when trying to connect/i,
  /connection (?:error|ended|closed)/i,
  /Cannot use a pool after calling end/i,
  /Client was closed/i,
];
// node-postgres, when TLS is asked for and the server offers none.
const NO_TLS_MESSAGE = /server does not support SSL connections/i;

const CLASS_NAMES: Record<string, string> = {
  '22': 'data exception',
  '23': 'integrity constraint violation',
  '42': 'syntax error or access rule violation',
  '54': 'program limit exceeded',
  XX: 'internal error',
};

interface ErrorLike {
  code?: unknown;
  message?: unknown;
}

export function classifyStorageFailure(error: unknown): StorageFailure {
  const { code, message } = (error ?? {}) as ErrorLike;
  const text = typeof message === 'string' ? message : '';
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
    const sqlClass = code.slice(0, 2);
    if (TRANSIENT_CLASSES.has(sqlClass) || TRANSIENT_CODES.has(code)) {
      return { kind: 'transient', reason: `database unavailable (SQLSTATE ${code})` };
    }
    return {
      kind: 'permanent',
      reason: `the database refused the event (SQLSTATE ${code}${CLASS_NAMES[sqlClass] ? `, ${CLASS_NAMES[sqlClass]}` : ''})`,
    };
  }
  if (typeof code === 'string' && TRANSIENT_NODE_CODES.has(code)) {
    return { kind: 'transient', reason: `database unreachable (${code})` };
  }
  if (typeof code === 'string' && (TLS_VERIFY_CODES.has(code) || TLS_ERROR_CODE.test(code))) {
    return { kind: 'transient', reason: `database unreachable (TLS: ${code})` };
  }
  if (NO_TLS_MESSAGE.test(text)) {
    return { kind: 'transient', reason: 'database unreachable (it offers no TLS)' };
  }
  if (TRANSIENT_MESSAGES.some((pattern) => pattern.test(text))) {
    return { kind: 'transient', reason: 'database connection lost' };
  }
  // A programming error while storing or evaluating one event (a TypeError, say) is as
  // permanent as bad data: retrying the same input would fail the same way.
  const name = error instanceof Error ? error.name : typeof error;
  return { kind: 'permanent', reason: `storing the event failed (${name})` };
}

/** Thrown up the storing path when the batch must be retried as a whole, later. */
export class TransientStorageError extends Error {
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
    this.name = 'TransientStorageError';
  }
}
