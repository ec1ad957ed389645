import { SetMetadata } from '@nestjs/common';
import type { Role } from './caller';

export const ROLES_KEY = 'provenant:roles';
export const PUBLIC_KEY = 'provenant:public';

/** Who may call this handler: any one of `roles` (admin always may). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** Reachable without a token (health and metrics only). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
