/** What the gateway decided for a hop. */
export const DECISIONS = ['allow', 'deny'] as const;
export type Decision = (typeof DECISIONS)[number];
