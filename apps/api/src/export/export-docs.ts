import { EXPORT_FORMATS } from '@app/export';
import { applyDecorators } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { MAX_EXPORT_LIMIT } from './export-query';

/** The OpenAPI description of an export page (CONTRACT §6), the same for both exports. */
export const ExportPageDocs = (kind: string, summary: string) =>
  applyDecorators(
    ApiOperation({ summary: `${summary} Role siem.` }),
    ApiProduces('application/x-ndjson', 'text/plain'),
    ApiQuery({
      name: 'format',
      required: false,
      enum: EXPORT_FORMATS,
      description:
        'ndjson: the stored record as JSON; ocsf: one OCSF 1.8.0 record; cef: one ArcSight CEF line. One record per line.',
    }),
    ApiQuery({
      name: 'after',
      required: false,
      description: `The X-Next-Cursor of the previous page of this ${kind} export (omit for the first page).`,
    }),
    ApiQuery({
      name: 'limit',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: MAX_EXPORT_LIMIT, default: 1000 },
    }),
    ApiQuery({
      name: 'since',
      required: false,
      schema: { type: 'string', format: 'date-time' },
      description: 'Only records at or after this time (event time, detection time).',
    }),
    ApiQuery({
      name: 'until',
      required: false,
      schema: { type: 'string', format: 'date-time' },
      description: 'Only records before this time.',
    }),
    ApiOkResponse({
      description: 'The page, streamed: one record per line.',
      headers: {
        'X-Next-Cursor': {
          description: 'Where the next page starts (also on an empty page): pass it as `after`.',
          schema: { type: 'string' },
        },
        'X-Record-Count': {
          description: 'How many records this page holds.',
          schema: { type: 'integer' },
        },
      },
    }),
    ApiResponse({ status: 400, description: 'A malformed query, or a cursor of another export.' }),
    ApiResponse({ status: 401, description: 'No valid bearer token.' }),
    ApiResponse({ status: 403, description: 'The token lacks the siem role.' }),
    ApiResponse({ status: 429, description: 'Too many requests: see Retry-After.' }),
  );
