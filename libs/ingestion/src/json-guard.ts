import { UNSTORABLE_TEXT } from '@app/contract';
import { scrubStrings, type CredentialFinding } from './credential-scrubber';

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
 * fingerprint. Values and keys are scanned for credentials together, after the walk, as
 * one text; a credential used as a key refuses the document.
 */
export function guardJson(root: unknown, maxDepth: number, pathPrefix = ''): GuardResult {
  const findings: CredentialFinding[] = [];
  // The strings to scan: values (with where they are held) first, then keys.
  const texts: string[] = [];
  const paths: string[] = [];
  const holders: Array<{ holder: Record<string | number, unknown>; key: string | number }> = [];
  const keyPaths: string[] = [];
  const keys: string[] = [];
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
      texts.push(value);
      paths.push(path);
      holders.push({ holder: holder as Record<string | number, unknown>, key });
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
      keys.push(child);
      keyPaths.push(path);
      stack.push({
        holder: value as Record<string, unknown>,
        key: child,
        depth: depth + 1,
        path: childPath,
      });
    }
  }
  if (texts.length + keys.length === 0) return { ok: true, findings };

  const scrubbed = scrubStrings([...texts, ...keys], [...paths, ...keyPaths], findings);
  for (let i = 0; i < keys.length; i++) {
    if (scrubbed[texts.length + i] !== keys[i]) {
      return {
        ok: false,
        code: 'FORBIDDEN_KEY',
        message: `a raw credential used as a key at ${keyPaths[i] || '(root)'}`,
      };
    }
  }
  for (let i = 0; i < texts.length; i++) {
    if (scrubbed[i] !== texts[i]) holders[i].holder[holders[i].key] = scrubbed[i];
  }
  return { ok: true, findings };
}
