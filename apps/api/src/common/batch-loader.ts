/**
 * Gathers the keys asked for while a GraphQL operation resolves a list (its items' fields
 * are resolved in the same turn of the event loop) and loads them in one call: a page of
 * anomalies with their history costs one query, not one per anomaly. Nothing is cached
 * beyond the batch.
 */
export class BatchLoader<K, V> {
  private pending?: { keys: Set<K>; loaded: Promise<Map<K, V>> };

  constructor(private readonly loadMany: (keys: K[]) => Promise<Map<K, V>>) {}

  async load(key: K): Promise<V | undefined> {
    if (!this.pending) {
      const keys = new Set<K>();
      const loaded = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        this.pending = undefined;
        return this.loadMany([...keys]);
      });
      this.pending = { keys, loaded };
    }
    this.pending.keys.add(key);
    return (await this.pending.loaded).get(key);
  }
}

/** One loader per operation context (a graphql-ws connection shares its context). */
export function loaderFor<K, V>(
  loaders: WeakMap<object, BatchLoader<K, V>>,
  context: object,
  create: () => BatchLoader<K, V>,
): BatchLoader<K, V> {
  let loader = loaders.get(context);
  if (!loader) {
    loader = create();
    loaders.set(context, loader);
  }
  return loader;
}
