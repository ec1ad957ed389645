import type { DeadLetterHeader } from './graph-rows';

/** A header as stored in `dead_letters.headers` (jsonb cannot hold every byte string). */
export type EncodedHeader = [name: string, value: string];

export const encodeHeaders = (headers: DeadLetterHeader[]): EncodedHeader[] =>
  headers.map(({ name, value }) => [name.toString('base64'), value.toString('base64')]);

export const decodeHeaders = (headers: EncodedHeader[]): DeadLetterHeader[] =>
  headers.map(([name, value]) => ({
    name: Buffer.from(name, 'base64'),
    value: Buffer.from(value, 'base64'),
  }));
