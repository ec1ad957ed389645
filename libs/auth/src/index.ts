// Authentication and authorization: bearer JWTs verified with jose against a JWKS, the
// caller's tenants and roles, and the decorators handlers declare who may call them with.
export * from './caller';
export * from './jwt-verifier';
export * from './roles.decorator';
