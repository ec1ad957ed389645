// The signed-in user's token: kept in this tab's sessionStorage only (gone with the tab),
// sent as the Authorization header of every call and never anywhere else.
const KEY = 'provenant.console.token';

export interface Claims {
  sub: string;
  tenants: string[];
  roles: string[];
  exp?: number;
}

export interface Session {
  token: string;
  claims: Claims;
}

function base64UrlDecode(part: string): string {
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
  const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** What the token says about its holder, read without verifying (the API verifies). */
export function readClaims(token: string): Claims | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const payload = JSON.parse(base64UrlDecode(parts[1])) as Record<string, unknown>;
    const strings = (value: unknown): string[] =>
      Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
    return {
      sub: typeof payload.sub === 'string' ? payload.sub : '(no sub)',
      tenants: strings(payload.tenants),
      roles: strings(payload.roles),
      exp: typeof payload.exp === 'number' ? payload.exp : undefined,
    };
  } catch {
    return null;
  }
}

export function loadSession(): Session | null {
  const token = sessionStorage.getItem(KEY);
  if (!token) return null;
  const claims = readClaims(token);
  if (!claims || (claims.exp !== undefined && claims.exp * 1000 <= Date.now())) {
    sessionStorage.removeItem(KEY);
    return null;
  }
  return { token, claims };
}

export function saveSession(token: string): Session | null {
  const trimmed = token.trim().replace(/^bearer\s+/i, '');
  const claims = readClaims(trimmed);
  if (!claims) return null;
  sessionStorage.setItem(KEY, trimmed);
  return { token: trimmed, claims };
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}
