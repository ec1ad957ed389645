import type { Caller } from '@app/auth';
import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';

/**
 * Rate limits per caller, not per address: SIEM collectors share NAT addresses, and one
 * tenant's pipeline must not spend another's allowance. Runs after the global AuthGuard,
 * which has verified the caller.
 */
@Injectable()
export class ExportThrottlerGuard extends ThrottlerGuard {
  protected override getTracker(request: Record<string, unknown>): Promise<string> {
    const caller = request.caller as Caller | undefined;
    return Promise.resolve(caller ? `caller:${caller.sub}` : `address:${String(request.ip)}`);
  }
}
