// Loading one answer of the API for a view: pending, failed or there.
import { useEffect, useState, type DependencyList } from 'react';

export type Loaded<T> =
  { state: 'loading' } | { state: 'failed'; error: string } | { state: 'done'; value: T };

export function useLoad<T>(load: () => Promise<T>, deps: DependencyList): Loaded<T> {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  useEffect(() => {
    let current = true;
    setLoaded({ state: 'loading' });
    load().then(
      (value) => current && setLoaded({ state: 'done', value }),
      (error: unknown) =>
        current && setLoaded({ state: 'failed', error: (error as Error).message ?? String(error) }),
    );
    return () => {
      current = false;
    };
  }, deps);
  return loaded;
}

export function Failure({ error }: { error: string }) {
  return (
    <p role="alert" className="error">
      {error}
    </p>
  );
}

export function Loading() {
  return <p aria-live="polite">Loading…</p>;
}
