import { PRINCIPAL_KINDS } from '@app/graph';
import { z } from 'zod';
import { DEFAULT_LIMITS } from './limits';

export const principalKindSchema = z.enum(PRINCIPAL_KINDS);

/**
 * PostgreSQL's btree indexes refuse entries over about 2.7 kB, so every identifier that is
 * indexed (alone or in a composite key) is bounded in UTF-8 bytes, not only in characters:
 * 512 characters of CJK text are 1,536 bytes.
 */
export const MAX_IDENTIFIER_BYTES = 512;

/** Length of `text` in UTF-8, without encoding it. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      // A surrogate pair is one code point of 4 bytes.
      bytes += 4;
      i += 1;
    } else bytes += 3;
  }
  return bytes;
}

/** The byte limit of each identifier schema, for the generated JSON Schema documents. */
export const IDENTIFIER_BYTE_LIMITS = new WeakMap<z.core.$ZodType, number>();

/** A non-empty identifier of at most `maxChars` characters and `maxBytes` UTF-8 bytes. */
export function identifierSchema(maxChars: number, maxBytes: number = MAX_IDENTIFIER_BYTES) {
  const schema = z
    .string()
    .min(1)
    .max(maxChars)
    // Each UTF-16 unit is at most 3 bytes: short strings skip the count.
    .refine((text) => text.length * 3 <= maxBytes || utf8Length(text) <= maxBytes, {
      message: `must be at most ${maxBytes} bytes in UTF-8`,
    });
  IDENTIFIER_BYTE_LIMITS.set(schema, maxBytes);
  return schema;
}

const id = identifierSchema(512);
const timestamp = z.iso.datetime({ offset: true });

export const principalRefSchema = z.object({
  id,
  issuer: identifierSchema(512),
  kind: principalKindSchema,
  /** Defaults to the event's `tenantid`. */
  tenant: id.optional(),
  displayName: z.string().max(256).optional(),
});
export type PrincipalRef = z.infer<typeof principalRefSchema>;

/** Depth of the RFC 8693 §4.1 `act` nesting: 0 without `act`, 1 for a single actor. */
export function actDepth(
  claims: unknown,
  stopAfter: number = DEFAULT_LIMITS.maxActDepth + 1,
): number {
  let depth = 0;
  let current: unknown = claims;
  // Iterative on purpose: a hostile 2,000-level `act` must cost nothing but this loop.
  while (depth < stopAfter && typeof current === 'object' && current !== null && 'act' in current) {
    current = current.act;
    depth += 1;
  }
  return depth;
}

export const tokenClaimsSchema = z.record(z.string(), z.unknown()).superRefine((claims, ctx) => {
  if (actDepth(claims) > DEFAULT_LIMITS.maxActDepth) {
    ctx.addIssue({
      code: 'custom',
      message: `act nested deeper than ${DEFAULT_LIMITS.maxActDepth} levels`,
      path: ['act'],
    });
  }
});

export const tokenRefSchema = z
  .object({
    jti: id.optional(),
    fingerprint: z
      .string()
      .regex(/^sha256:[0-9a-f]{64}$/, 'fingerprint must be "sha256:" and 64 lowercase hex digits')
      .optional(),
    issuer: identifierSchema(512).optional(),
    tenant: id.optional(),
    audience: z.array(z.string().max(512)).max(64).optional(),
    scopes: z.array(z.string().max(256)).max(256).optional(),
    issuedAt: timestamp.optional(),
    expiresAt: timestamp.optional(),
    claims: tokenClaimsSchema.optional(),
  })
  .refine((token) => token.jti !== undefined || token.fingerprint !== undefined, {
    message: 'a token needs a jti or a fingerprint',
  });
export type TokenRef = z.infer<typeof tokenRefSchema>;
