/** `2026-11-22 10:00:05Z` style, compact and unambiguous. */
export const formatTime = (iso: string | null | undefined): string =>
  iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '—';

/** What is left of a token's validity at `now`: `expired`, `4m 12s`, `3d 2h`. */
export function remainingValidity(expiresAt: string | null | undefined, now = Date.now()): string {
  if (!expiresAt) return 'no expiry known';
  const ms = Date.parse(expiresAt) - now;
  if (ms <= 0) return 'expired';
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h left`;
  if (h > 0) return `${h}h ${m}m left`;
  return `${m}m ${s % 60}s left`;
}
