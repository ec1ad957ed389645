import { UNSTORABLE_TEXT } from '@app/contract';
import { z } from 'zod';

/** A search refused before any query runs; the message names the field, never the value. */
export class SearchInputError extends Error {
  readonly code = 'INVALID_SEARCH_INPUT';
}

/**
 * Free text is matched as a substring through trigram indexes, which need three characters
 * to narrow anything down: a shorter text would read every row, so it is refused.
 */
export const MIN_SEARCH_LENGTH = 3;
export const MAX_SEARCH_LENGTH = 200;
/** Identifiers (request ids, tenants, issuers, jtis) are bounded as the events' are. */
export const MAX_IDENTIFIER_BYTES = 512;

/**
 * A token's fingerprint: `sha256:` and the lowercase hex SHA-256 of the raw token's UTF-8
 * bytes (the token exactly as presented, without a `Bearer ` scheme or surrounding
 * whitespace). The ingestor stores the same for every raw credential it redacts, and
 * gateways send it in TokenRef.fingerprint. In a browser:
 * `'sha256:' + hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(raw)))`.
 */
export const FINGERPRINT_FORMULA =
  '"sha256:" followed by the lowercase hex SHA-256 of the raw token\'s UTF-8 bytes (the token as presented, without "Bearer " or surrounding whitespace); the bare 64 hex digits are accepted too, in any case';

const storable = z
  .string()
  .refine((value) => !UNSTORABLE_TEXT.test(value), 'contains unstorable text');

const identifier = storable
  .refine((value) => value.length > 0, 'must not be empty')
  .refine((value) => Buffer.byteLength(value, 'utf8') <= MAX_IDENTIFIER_BYTES, 'is too long');

const freeText = storable
  .transform((value) => value.trim())
  .refine(
    (value) => value.length >= MIN_SEARCH_LENGTH && value.length <= MAX_SEARCH_LENGTH,
    `must be ${MIN_SEARCH_LENGTH} to ${MAX_SEARCH_LENGTH} characters`,
  );

const fingerprint = z
  .string()
  .transform((value) => value.trim().toLowerCase())
  .refine(
    (value) => /^(sha256:)?[0-9a-f]{64}$/.test(value),
    'must be "sha256:" and 64 hex digits, or the 64 hex digits alone',
  )
  .transform((value) => (value.startsWith('sha256:') ? value : `sha256:${value}`));

const optional = <T extends z.ZodType>(schema: T) =>
  schema.nullish().transform((v) => v ?? undefined);

/** The principal named anywhere in a request: by any part of its id or display name. */
const principalMatchSchema = z.object({
  search: freeText,
  tenant: optional(identifier),
  issuer: optional(identifier),
});

const tokenMatchSchema = z
  .object({
    jti: optional(identifier),
    issuer: optional(identifier),
    fingerprint: optional(fingerprint),
  })
  .refine((token) => token.jti !== undefined || token.fingerprint !== undefined, {
    message: 'needs a jti or a fingerprint',
    path: [],
  })
  .refine((token) => token.issuer === undefined || token.jti !== undefined, {
    message: 'needs a jti (the issuer qualifies a jti)',
    path: ['issuer'],
  });

const window = {
  since: optional(z.date()),
  until: optional(z.date()),
};

export const requestSearchSchema = z
  .object({
    requestId: optional(identifier),
    principal: optional(principalMatchSchema),
    target: optional(freeText),
    token: optional(tokenMatchSchema),
    ...window,
  })
  .refine(
    (search) =>
      search.since === undefined ||
      search.until === undefined ||
      search.since.getTime() < search.until.getTime(),
    { message: 'must be later than since', path: ['until'] },
  );

/** What a request search asks, checked and normalized (free text trimmed, fingerprints canonical). */
export type RequestSearch = z.infer<typeof requestSearchSchema>;

export const principalSearchSchema = z.object({
  search: freeText,
  tenant: optional(identifier),
  issuer: optional(identifier),
});
export type PrincipalSearch = z.infer<typeof principalSearchSchema>;

/** Parses `value` or throws a SearchInputError naming the first field at fault. */
export function parseSearchInput<T>(schema: z.ZodType<T>, value: unknown, name: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = [name, ...issue.path.map(String)].join('.');
  throw new SearchInputError(`${field}: ${issue.message}`);
}

/**
 * A LIKE pattern that finds `text` anywhere, literally: `%`, `_` and the escape character
 * `\` in the text match themselves (the SQL uses `ESCAPE '\'`), never as wildcards.
 */
export const containsPattern = (text: string): string =>
  `%${text.replace(/[\\%_]/g, (special) => `\\${special}`)}%`;
