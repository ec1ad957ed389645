// How a token's scopes compare with its parent's: narrowing is what delegation should do,
// widening (a scope the parent did not have) is what SCOPE_ESCALATION is about.
export interface ScopeDiff {
  kept: string[];
  added: string[];
  dropped: string[];
}

export function scopeDiff(
  parent: readonly string[] | undefined,
  child: readonly string[],
): ScopeDiff {
  if (!parent) return { kept: [...child].sort(), added: [], dropped: [] };
  const had = new Set(parent);
  const has = new Set(child);
  return {
    kept: [...has].filter((s) => had.has(s)).sort(),
    added: [...has].filter((s) => !had.has(s)).sort(),
    dropped: [...had].filter((s) => !has.has(s)).sort(),
  };
}
