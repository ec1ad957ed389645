import { keyOfRecord, type TokenView } from '@app/graph';
import type { TokenTreeRow } from '@app/persistence';
import type { TokenLineageNode } from './models/token-lineage.model';
import type { Token } from './models/token.model';

// Views name tokens by record key (reporter and key); the API shows the key and the reporter.
export const toToken = (view: TokenView | TokenTreeRow): Token => ({
  key: keyOfRecord(view.key),
  tenant: view.tenant,
  reportedBy: view.reportedBy,
  issuer: view.issuer,
  jti: view.jti,
  fingerprint: view.fingerprint,
  audience: view.audience,
  scopes: view.scopes,
  issuedAt: view.issuedAt,
  expiresAt: view.expiresAt,
  revokedAt: view.revokedAt,
  parentKey: view.parentKey === null ? null : keyOfRecord(view.parentKey),
});

export const toLineageNode = (row: TokenTreeRow): TokenLineageNode => ({
  token: toToken(row),
  depth: row.depth,
  actor: row.actor,
  subject: row.subject,
  requestId: row.requestId,
});
