import { DevTokenSigner } from '@app/auth';
import type { ApiEnv } from '@app/config';
import { type DynamicModule, Module } from '@nestjs/common';
import { DEV_TOKEN_SIGNER, DevSignInController } from './dev-sign-in.controller';

/**
 * The development sign-in, outside production only: present when NODE_ENV is not
 * `production` and the API verifies tokens with the development key's JWKS file (its
 * private half beside it). Anything else, and the module is not imported at all.
 */
@Module({})
export class DevSignInModule {
  static forConfig(config: ApiEnv): DynamicModule[] {
    if (config.NODE_ENV === 'production') return [];
    const signer = DevTokenSigner.fromJwksFile(config.AUTH_JWKS_FILE, {
      issuer: config.AUTH_ISSUER,
      audience: config.AUTH_AUDIENCE,
    });
    if (!signer) return [];
    return [
      {
        module: DevSignInModule,
        controllers: [DevSignInController],
        providers: [{ provide: DEV_TOKEN_SIGNER, useValue: signer }],
      },
    ];
  }
}
