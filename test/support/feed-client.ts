import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { devToken } from './graphql-client';

export interface Feed<T> {
  received: T[];
  errors: unknown[];
  close: () => Promise<void>;
}

/** A dashboard's graphql-ws subscription: `query` with `variables`, collected as they come. */
export async function subscribeFeed<T>(
  port: number,
  tenants: string[],
  query: string,
  variables: Record<string, unknown> = {},
): Promise<Feed<T>> {
  const client = createClient({
    url: `ws://127.0.0.1:${port}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${await devToken(tenants, ['dashboard'])}` },
    lazy: false,
    retryAttempts: 0,
  });
  await new Promise<void>((resolve, reject) => {
    client.on('connected', () => resolve());
    client.on('error', reject);
  });
  const received: T[] = [];
  const errors: unknown[] = [];
  const stop = client.subscribe<{ anomalyDetected: T }>(
    { query, variables },
    {
      next: (message) => {
        if (message.errors) errors.push(...message.errors);
        if (message.data) received.push(message.data.anomalyDetected);
      },
      error: (error) => errors.push(error),
      complete: () => undefined,
    },
  );
  return {
    received,
    errors,
    close: async () => {
      stop();
      await client.dispose();
    },
  };
}
