/** A request to a RequestThread's worker. */
export interface ThreadRequest<Q> {
  id: number;
  body: Q;
}

/** Its answer, or why there is none (the handler's error message). */
export type ThreadReply<A> = { id: number; answer: A } | { id: number; error: string };
