// Authentication and authorization: bearer JWTs verified with jose against a JWKS, the
// caller's tenants and roles, the decorators handlers declare who may call them with, and
// the development key's signer (outside production only).
export * from './caller';
export * from './dev-token.signer';
export * from './jwt-verifier';
export * from './roles.decorator';
