import type { Caller } from '@app/auth';
import type { Request } from 'express';

/** The per-operation GraphQL context: the HTTP request, or a socket's verified caller. */
export interface GraphqlContext {
  req?: Request & { caller?: Caller };
  caller?: Caller;
}
