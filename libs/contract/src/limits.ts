/** Defaults for the limits on hostile input; each can be overridden by configuration. */
export const DEFAULT_LIMITS = {
  /** Largest accepted message value, in bytes. */
  maxEventBytes: 256 * 1024,
  /** Deepest accepted RFC 8693 `act` nesting inside token claims. */
  maxActDepth: 32,
  /** How far in the future an event's time may lie (clock skew between gateways). */
  maxFutureSkewMs: 5 * 60 * 1000,
} as const;

export type InputLimits = { -readonly [K in keyof typeof DEFAULT_LIMITS]: number };
