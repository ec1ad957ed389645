// Client-side routes live in the URL's fragment (#/request/<id>): the API serves the same
// static index.html for every view, and a link can be shared or bookmarked.
import { useEffect, useState } from 'react';

export interface Route {
  /** The first path segment: `search`, `request`, `principal`, `token`, `live`. */
  view: string;
  /** The rest of the path, decoded (a request id may contain slashes). */
  rest: string;
  params: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const [path, query = ''] = raw.split('?', 2);
  const [view = '', ...rest] = path.split('/');
  return {
    view: view || 'search',
    rest: rest.map((part) => decodeURIComponent(part)).join('/'),
    params: new URLSearchParams(query),
  };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

const query = (params: Record<string, string | undefined>): string => {
  const defined = Object.entries(params).filter(
    (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '',
  );
  return defined.length ? `?${new URLSearchParams(defined).toString()}` : '';
};

export const href = {
  search: (mode?: string) => `#/search${query({ mode })}`,
  request: (requestId: string) => `#/request/${encodeURIComponent(requestId)}`,
  principal: (p: { tenant: string; issuer: string; id: string }) =>
    `#/principal${query({ tenant: p.tenant, issuer: p.issuer, id: p.id })}`,
  token: (name: { key?: string; fingerprint?: string; jti?: string; issuer?: string }) =>
    `#/token${query(name)}`,
  live: () => '#/live',
};

export function navigate(to: string): void {
  window.location.hash = to;
}
