import { EXPORT_FORMATS } from '@app/export';
import { BadRequestException, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { z } from 'zod';

/** The largest page a caller may ask for (CONTRACT §6: SIEMs pull up to 50,000 at a time). */
export const MAX_EXPORT_LIMIT = 50_000;

const exportQuerySchema = z
  .object({
    format: z.enum(EXPORT_FORMATS).default('ndjson'),
    after: z.string().max(128).optional(),
    limit: z.coerce.number().int().min(1).max(MAX_EXPORT_LIMIT).default(1000),
    since: z.iso.datetime({ offset: true }).optional(),
    until: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

export type ExportQuery = Omit<z.infer<typeof exportQuerySchema>, 'after' | 'since' | 'until'> & {
  after: bigint | null;
  since?: Date;
  until?: Date;
};

/** An export's cursor: the position its next page starts after, kept to its own export. */
const cursorPattern = (kind: string) => new RegExp(`^${kind}:(-1|\\d{1,19})$`);

export const encodeExportCursor = (kind: string, position: bigint): string =>
  Buffer.from(`${kind}:${position}`).toString('base64url');

function decodeExportCursor(kind: string, cursor: string): bigint {
  const match = cursorPattern(kind).exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new BadRequestException('after: not a cursor of this export');
  return BigInt(match[1]);
}

/** The query string, validated at the door: anything else is the caller's mistake (400). */
export function parseExportQuery(kind: string, raw: unknown): ExportQuery {
  const parsed = exportQuerySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length > 0 ? issue.path.join('.') : 'query';
    throw new BadRequestException(`${where}: ${issue.message}`);
  }
  const { after, since, until, ...rest } = parsed.data;
  const window = {
    ...(since === undefined ? {} : { since: new Date(since) }),
    ...(until === undefined ? {} : { until: new Date(until) }),
  };
  if (window.since && window.until && window.since >= window.until)
    throw new BadRequestException('until: must be later than since');
  return {
    ...rest,
    ...window,
    after: after === undefined ? null : decodeExportCursor(kind, after),
  };
}

/** The validated query of an export (`kind`: which export its cursors belong to). */
export const ExportQueryOf = createParamDecorator(
  (kind: string, context: ExecutionContext): ExportQuery =>
    parseExportQuery(kind, context.switchToHttp().getRequest<Request>().query),
);
