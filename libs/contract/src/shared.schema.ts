import { z } from 'zod';
import { DEFAULT_LIMITS } from './limits';

export const PRINCIPAL_KINDS = ['human', 'agent', 'service', 'tool', 'workload'] as const;
export const principalKindSchema = z.enum(PRINCIPAL_KINDS);
export type PrincipalKind = z.infer<typeof principalKindSchema>;

const id = z.string().min(1).max(512);
const timestamp = z.iso.datetime({ offset: true });

export const principalRefSchema = z.object({
  id,
  issuer: z.string().min(1).max(512),
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
    issuer: z.string().min(1).max(512).optional(),
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
