export const DEV_AUTH_DIR: string;
export const DEV_JWKS_FILE: string;
export const DEV_PRIVATE_JWK_FILE: string;
export const DEV_ISSUER: string;
export const DEV_AUDIENCE: string;
export function ensureDevKeys(): void;
