import { createHash } from 'node:crypto';
import { detectCredentials, type CredentialSpan } from './credential-detector';

/** A raw credential found inside an event and replaced by its fingerprint. */
export interface CredentialFinding {
  /** Where it was, as a dotted path (`data.token.jti`). */
  path: string;
  /** What it was (`jwt`, `bearer`, `basic`, `url-parameter`, `github`, `aws`, ...). */
  kind: string;
  /** `sha256:<hex>` of the raw credential: lets an investigator match it, never reveals it. */
  fingerprint: string;
}

export const fingerprintOf = (raw: string): string =>
  `sha256:${createHash('sha256').update(raw, 'utf8').digest('hex')}`;

/** `text` with every span replaced by the fingerprint of what it covered. */
function redact(
  text: string,
  spans: readonly CredentialSpan[],
  path: string,
  findings: CredentialFinding[],
): string {
  let out = '';
  let at = 0;
  for (const { start, end, kind } of spans) {
    const fingerprint = fingerprintOf(text.slice(start, end));
    findings.push({ path, kind, fingerprint });
    out += text.slice(at, start) + fingerprint;
    at = end;
  }
  return out + text.slice(at);
}

/** Replaces every raw credential inside `text`; returns the new text and what was found. */
export function scrubString(text: string, path: string, findings: CredentialFinding[]): string {
  if (text.length < 8) return text;
  const spans = detectCredentials(text);
  return spans.length === 0 ? text : redact(text, spans, path, findings);
}

/**
 * Strings found clean before. Sound because a finding never joins two strings: a string
 * clean among others is clean alone. Bounded (entries and their length); forgotten all at
 * once when full.
 */
const knownClean = new Set<string>();
const KNOWN_CLEAN_ENTRIES = 20_000;
const KNOWN_CLEAN_LENGTH = 256;

function rememberClean(text: string): void {
  if (text.length > KNOWN_CLEAN_LENGTH) return;
  if (knownClean.size >= KNOWN_CLEAN_ENTRIES) knownClean.clear();
  knownClean.add(text);
}

/** Joins the strings of `scrubStrings`: no string that reaches it can hold a NUL. */
const SEPARATOR = '\0';

/**
 * `scrubString` for many strings at once (an event's values and keys): they are scanned as
 * one text, one pass of each rule instead of one per string. The strings must hold no NUL
 * (the guard refuses it before). A finding never joins two strings: one that spans the
 * separator is cut at it.
 * @returns the strings, each the same string when nothing was found in it
 */
export function scrubStrings(
  texts: readonly string[],
  paths: readonly string[],
  findings: CredentialFinding[],
): string[] {
  // Only the strings not seen clean before are scanned: issuers, services, scopes and
  // principal ids repeat from event to event.
  const scanned: number[] = [];
  for (let i = 0; i < texts.length; i++) if (!knownClean.has(texts[i])) scanned.push(i);
  if (scanned.length === 0) return texts.slice();
  const starts: number[] = [];
  let length = 0;
  for (const i of scanned) {
    starts.push(length);
    length += texts[i].length + 1;
  }
  const spans = detectCredentials(scanned.map((i) => texts[i]).join(SEPARATOR));

  // Spans by position in `scanned`.
  const perText = new Map<number, CredentialSpan[]>();
  let index = 0;
  for (const span of spans) {
    while (index + 1 < starts.length && starts[index + 1] <= span.start) index++;
    // A span may run on into the following strings: each gets its own part.
    for (let j = index; j < starts.length && starts[j] < span.end; j++) {
      const from = Math.max(span.start, starts[j]) - starts[j];
      const to = Math.min(span.end, starts[j] + texts[scanned[j]].length) - starts[j];
      if (to <= from) continue;
      let list = perText.get(j);
      if (!list) perText.set(j, (list = []));
      list.push({ start: from, end: to, kind: span.kind });
    }
  }
  const out = texts.slice();
  scanned.forEach((i, j) => {
    const list = perText.get(j);
    if (list) out[i] = redact(texts[i], list, paths[i], findings);
    else rememberClean(texts[i]);
  });
  return out;
}
