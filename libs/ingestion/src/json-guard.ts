import { UNSTORABLE_TEXT } from '@app/contract';
import { scrubString, type CredentialFinding } from './credential-scrubber';

/** Keys that could reach an object's prototype if anything downstream merged them. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export type GuardResult =
  | { ok: true; findings: CredentialFinding[] }
  | { ok: false; code: 'FORBIDDEN_KEY' | 'TOO_DEEP' | 'UNSTORABLE_TEXT'; message: string };

const unstorable = (path: string): GuardResult => ({
  ok: false,
  code: 'UNSTORABLE_TEXT',
  message: `a NUL character or an unpaired UTF-16 surrogate at ${path || '(root)'}`,
});

/**
 * Walks parsed JSON once, iteratively (a hostile document cannot exhaust the stack):
 * rejects prototype-polluting keys, nesting deeper than `maxDepth` and text the database
 * cannot store, and replaces every raw credential in a string value, in place, by its
 * fingerprint.
 */
export function guardJson(root: unknown, maxDepth: number, pathPrefix = ''): GuardResult {
  const findings: CredentialFinding[] = [];
  const stack: Array<{
    holder: Record<string, unknown> | unknown[];
    key: string | number;
    depth: number;
    path: string;
  }> = [];
  const box = { root };
  stack.push({ holder: box, key: 'root', depth: 0, path: pathPrefix });
  while (stack.length > 0) {
    const { holder, key, depth, path } = stack.pop()!;
    const value = (holder as Record<string | number, unknown>)[key];
    if (typeof value === 'string') {
      if (UNSTORABLE_TEXT.test(value)) return unstorable(path);
      const scrubbed = scrubString(value, path, findings);
      if (scrubbed !== value) (holder as Record<string | number, unknown>)[key] = scrubbed;
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= maxDepth) {
      return {
        ok: false,
        code: 'TOO_DEEP',
        message: `JSON nested deeper than ${maxDepth} levels at ${path || '(root)'}`,
      };
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        stack.push({ holder: value, key: i, depth: depth + 1, path: `${path}[${i}]` });
      }
      continue;
    }
    for (const child of Object.keys(value)) {
      const childPath = path ? `${path}.${child}` : child;
      if (FORBIDDEN_KEYS.has(child)) {
        return {
          ok: false,
          code: 'FORBIDDEN_KEY',
          message: `forbidden key "${child}" at ${childPath}`,
        };
      }
      if (UNSTORABLE_TEXT.test(child)) return unstorable(path);
      const scrubbedKey = scrubString(child, childPath, findings);
      if (scrubbedKey !== child) {
        return {
          ok: false,
          code: 'FORBIDDEN_KEY',
          message: `a raw credential used as a key at ${path || '(root)'}`,
        };
      }
      stack.push({
        holder: value as Record<string, unknown>,
        key: child,
        depth: depth + 1,
        path: childPath,
      });
    }
  }
  return { ok: true, findings };
}
