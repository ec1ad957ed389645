import { parentPort, type TransferListItem } from 'node:worker_threads';
import type { ThreadReply, ThreadRequest } from './thread-messages';

/**
 * The worker's side of a RequestThread: answers each request with `handle`'s result (its
 * `transfer` list moved, not copied), or with the message of the error it threw.
 */
export function serveRequests<Q, A>(
  handle: (body: Q) => A | Promise<A>,
  transfer: (answer: A) => readonly TransferListItem[] = () => [],
): void {
  const port = parentPort;
  if (!port) throw new Error('serveRequests: not in a worker thread');
  port.on('message', (request: ThreadRequest<Q>) => {
    Promise.resolve()
      .then(() => handle(request.body))
      .then(
        (answer) =>
          port.postMessage({ id: request.id, answer } satisfies ThreadReply<A>, transfer(answer)),
        (error: unknown) =>
          port.postMessage({
            id: request.id,
            error: error instanceof Error ? error.message : String(error),
          } satisfies ThreadReply<A>),
      );
  });
}
