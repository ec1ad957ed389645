import { DevTokenSigner, Public, ROLES } from '@app/auth';
import { TenantDirectoryRepository } from '@app/persistence';
import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Inject,
  Post,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { z } from 'zod';

export const DEV_TOKEN_SIGNER = Symbol('DEV_TOKEN_SIGNER');

/** A development token lives an hour, like the demo's. */
const LIFETIME_SECONDS = 3600;
const MAX_TENANTS_LISTED = 200;

const signInSchema = z.object({
  tenants: z.array(z.string().min(1).max(512)).min(1).max(16),
  roles: z.array(z.enum(ROLES)).min(1).max(ROLES.length),
});

/**
 * The console's one-click development sign-in: which tenants reported anything, and a token
 * for some of them and some roles, signed with the development key. The module holding it
 * is imported only outside production and only when that key is the one the API trusts
 * (dev-sign-in.module.ts), so in production these routes do not exist.
 */
@Controller('v1/dev/sign-in')
@Public()
@ApiExcludeController()
export class DevSignInController {
  constructor(
    @Inject(DEV_TOKEN_SIGNER) private readonly signer: DevTokenSigner,
    private readonly tenants: TenantDirectoryRepository,
  ) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  async options(): Promise<{ tenants: string[]; roles: readonly string[] }> {
    return {
      tenants: await this.tenants.reportingTenants(MAX_TENANTS_LISTED),
      roles: this.signer.roles,
    };
  }

  @Post()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async signIn(@Body() body: unknown): Promise<{ token: string }> {
    const parsed = signInSchema.safeParse(body);
    if (!parsed.success)
      throw new BadRequestException('expected {"tenants": [tenant...], "roles": [role...]}');
    const token = await this.signer.sign({
      ...parsed.data,
      subject: 'console-dev-user',
      lifetimeSeconds: LIFETIME_SECONDS,
    });
    return { token };
  }
}
