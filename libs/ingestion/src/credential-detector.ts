import { rules as recommendedRules } from '@secretlint/secretlint-rule-preset-recommend';
import type {
  SecretLintRuleContext,
  SecretLintRuleReportDescriptor,
  SecretLintRuleReportHandler,
  SecretLintSourceCode,
  SecretLintSourceNodeLocation,
  SecretLintSourceNodePosition,
  SecretLintSourceNodeRange,
} from '@secretlint/types';

/**
 * Owns what counts as a raw credential in text. Two sources, both run over the whole text
 * in one pass each:
 * - secretlint's recommended ruleset (maintained upstream, about twenty-five vendor formats:
 *   GitHub, GitLab, AWS, Slack, private key blocks, URL basic auth, database connection
 *   strings, OpenAI, Anthropic, npm, Vercel, ...), driven through its public rule interface;
 * - what a delegation gateway sees that no vendor ruleset covers: compact JWS/JWE whatever
 *   the header's encoding (key order, whitespace), HTTP `Bearer`/`DPoP`/`Basic`
 *   credentials, and credentials in URL or form parameters (`access_token=`,
 *   `subject_token=`, `client_secret=`, signatures, ...).
 */
export interface CredentialSpan {
  /** UTF-16 offsets into the text, end exclusive. */
  start: number;
  end: number;
  /** What it is: `jwt`, `bearer`, `basic`, `url-parameter`, or the secretlint rule's name. */
  kind: string;
}

// ---- secretlint ---------------------------------------------------------------------

const RULE_PREFIX = '@secretlint/secretlint-rule-';
/** Options per rule; every rule reads its options object, so each gets one. */
const RULE_OPTIONS: Record<string, object> = {
  // AWS access key ids (AKIA...) are off by default upstream; in a token event they are
  // credentials.
  [`${RULE_PREFIX}aws`]: { enableIDScanRule: true },
};
/** Findings of the ruleset that are not secrets (an AWS account number is an identifier). */
const IGNORED_MESSAGES = new Set(['AWSAccountID']);

interface Report {
  kind: string;
  descriptor: SecretLintRuleReportDescriptor;
}

let sink: Report[] = [];
let currentKind = '';

const context: SecretLintRuleContext = {
  sharedOptions: {},
  // Messages are never rendered: they would quote the secret. The id and its data suffice.
  createTranslator: () => (messageId, data) => ({
    message: String(messageId),
    messageId: String(messageId),
    data,
  }),
  report: (descriptor) => sink.push({ kind: currentKind, descriptor }),
  // Only the comment filter asks for findings to be ignored, and it is not run (below).
  ignore: () => undefined,
};

/**
 * The comment filter (`secretlint-disable` in the text) is left out on purpose: input is
 * hostile, and a sender must not be able to switch detection off.
 */
const LEFT_OUT = new Set([`${RULE_PREFIX}filter-comments`]);

const scanners: Array<{ kind: string; handler: SecretLintRuleReportHandler }> = recommendedRules
  .filter((rule) => rule.meta.type === 'scanner' && !LEFT_OUT.has(rule.meta.id))
  .map((rule) => ({
    kind: rule.meta.id.startsWith(RULE_PREFIX)
      ? rule.meta.id.slice(RULE_PREFIX.length)
      : rule.meta.id,
    handler: rule.create(context, (RULE_OPTIONS[rule.meta.id] ?? {}) as never),
  }));

/** The text as a secretlint source: not a file, so file-type specific rules stay quiet. */
class TextSource implements SecretLintSourceCode {
  readonly hasBOM = false;
  readonly filePath = undefined;
  readonly physicalFilePath = undefined;
  readonly contentType = 'text';
  readonly ext = '';
  private lineStarts: number[] | undefined;

  constructor(readonly content: string) {}

  getFilePath(): undefined {
    return undefined;
  }

  getPhysicalFilePath(): undefined {
    return undefined;
  }

  locationToRange(loc: SecretLintSourceNodeLocation): SecretLintSourceNodeRange {
    return [this.positionToIndex(loc.start), this.positionToIndex(loc.end)];
  }

  rangeToLocation(range: SecretLintSourceNodeRange): SecretLintSourceNodeLocation {
    return { start: this.indexToPosition(range[0]), end: this.indexToPosition(range[1]) };
  }

  /** Lines count from 1, columns from 0, as in secretlint's own source. */
  positionToIndex(pos: SecretLintSourceNodePosition): number {
    const starts = this.starts();
    return (starts[pos.line - 1] ?? this.content.length) + pos.column;
  }

  indexToPosition(index: number): SecretLintSourceNodePosition {
    const starts = this.starts();
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid] <= index) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: index - starts[low] };
  }

  private starts(): number[] {
    if (!this.lineStarts) {
      this.lineStarts = [0];
      for (let i = this.content.indexOf('\n'); i !== -1; i = this.content.indexOf('\n', i + 1))
        this.lineStarts.push(i + 1);
    }
    return this.lineStarts;
  }
}

/**
 * Some rules report the whole match as the range although the secret is one group of it;
 * the secret itself is in the report's data. Where it can be found inside the range, the
 * span is exactly the secret (so its fingerprint is the secret's).
 */
function spanOf(text: string, { kind, descriptor }: Report): CredentialSpan {
  let [start, end] = descriptor.range;
  const data = (descriptor.message.data ?? {}) as Record<string, unknown>;
  let best = '';
  for (const value of Object.values(data)) {
    if (typeof value === 'string' && value.length > best.length) best = value;
  }
  if (best.length >= 8) {
    const at = text.indexOf(best, start);
    if (at !== -1 && at <= end) {
      start = at;
      end = at + best.length;
    }
  }
  return { start, end, kind };
}

function secretlintSpans(text: string, out: CredentialSpan[]): void {
  const source = new TextSource(text);
  const reports: Report[] = [];
  sink = reports;
  try {
    for (const { kind, handler } of scanners) {
      currentKind = kind;
      // Text rules are synchronous; only the file-type ones (.p12, .json) are not, and a
      // source without a file never reaches them.
      const pending = handler.file?.(source);
      if (pending) void pending.catch(() => undefined);
    }
  } finally {
    sink = [];
  }
  for (const report of reports) {
    if (!IGNORED_MESSAGES.has(report.descriptor.message.messageId)) out.push(spanOf(text, report));
  }
}

// ---- what a delegation gateway sees -------------------------------------------------

// Compact JWS (three segments, the signature empty for `alg: none`) or JWE (five). Only a
// segment that starts a run can start a match: no quadratic rescans of long runs. The
// header is at least `{"alg":"x"}`, 16 characters encoded.
const COMPACT_JOSE =
  /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)?/g;
// An HTTP credential (RFC 6750 b64token, RFC 9449 DPoP, RFC 7617 Basic), however the scheme
// is spelled and whether the space is literal, URL-encoded or form-encoded.
const AUTH_SCHEME = /\b(bearer|dpop|basic)(?:[ \t]+|%20|\+)([A-Za-z0-9\-._~+/]{8,}=*)/gi;
// A credential in a URL's query or fragment, or a form body: OAuth 2.0 and RFC 8693
// parameters, API keys, passwords and signed-URL signatures. A NUL (the separator of
// `scrubStrings`) starts a text like the start of input does.
const URL_PARAMETER =
  /(?:^|[?&#;\0])(?:access_token|id_token|refresh_token|subject_token|actor_token|client_secret|client_assertion|assertion|code|api[_-]?key|key|password|passwd|pwd|secret|token|sig|signature|x-amz-signature|x-amz-security-token|x-amz-credential|x-goog-signature|x-goog-credential)=([^&#\s"'<>\0]+)/gi;

// Any private key block, even a cut-off one or one whose body is not a real key: the ruleset
// checks the body to spare source code's placeholders, an event has no business carrying
// either.
// The block ends at its END line, at a NUL (the separator of `scrubStrings`) or at the end.
const PRIVATE_KEY_BLOCK =
  /-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----[^\0]*?(?:-----END[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----|(?=\0)|$)/g;

/** Whether a base64url segment decodes to a JOSE header: a JSON object naming `alg`. */
function isJoseHeader(segment: string): boolean {
  const decoded = Buffer.from(segment, 'base64url').toString('utf8').trimStart();
  if (!decoded.startsWith('{')) return false;
  try {
    const header = JSON.parse(decoded) as unknown;
    return (
      typeof header === 'object' &&
      header !== null &&
      typeof (header as { alg?: unknown }).alg === 'string'
    );
  } catch {
    return false;
  }
}

/** RFC 7617: base64 of `user-id:password`. */
function isBasicCredential(value: string): boolean {
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  return decoded.includes(':') && !decoded.includes('\ufffd');
}

function gatewaySpans(text: string, out: CredentialSpan[]): void {
  for (const match of text.matchAll(COMPACT_JOSE)) {
    const token = match[0];
    if (isJoseHeader(token.slice(0, token.indexOf('.')))) {
      out.push({ start: match.index, end: match.index + token.length, kind: 'jwt' });
    }
  }
  for (const match of text.matchAll(AUTH_SCHEME)) {
    const scheme = match[1].toLowerCase();
    const credential = match[2];
    if (scheme === 'basic' && !isBasicCredential(credential)) continue;
    const start = match.index + match[0].length - credential.length;
    out.push({
      start,
      end: start + credential.length,
      kind: scheme === 'basic' ? 'basic' : 'bearer',
    });
  }
  for (const match of text.matchAll(PRIVATE_KEY_BLOCK)) {
    out.push({ start: match.index, end: match.index + match[0].length, kind: 'private-key' });
  }
  for (const match of text.matchAll(URL_PARAMETER)) {
    const value = match[1];
    const start = match.index + match[0].length - value.length;
    out.push({ start, end: start + value.length, kind: 'url-parameter' });
  }
}

// ---- together -----------------------------------------------------------------------

const FINGERPRINT_ANYWHERE = /sha256:[0-9a-f]{64}/g;

/**
 * Every raw credential in `text`, in order, overlapping findings merged (the first one
 * names the kind). Fingerprints already in the text are never findings themselves: scrubbing
 * is idempotent.
 */
export function detectCredentials(text: string): CredentialSpan[] {
  const found: CredentialSpan[] = [];
  secretlintSpans(text, found);
  gatewaySpans(text, found);
  if (found.length === 0) return found;

  const fingerprints = [...text.matchAll(FINGERPRINT_ANYWHERE)].map((match) => ({
    start: match.index,
    end: match.index + match[0].length,
  }));
  const candidates = found
    .filter(
      (span) =>
        span.end > span.start &&
        !fingerprints.some((fp) => span.start < fp.end && fp.start < span.end),
    )
    .sort((a, b) => a.start - b.start || b.end - a.end);

  const merged: CredentialSpan[] = [];
  for (const span of candidates) {
    const last = merged[merged.length - 1];
    if (last && span.start < last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged;
}
