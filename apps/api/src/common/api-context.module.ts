import { APP_CONFIG, type ApiEnv } from '@app/config';
import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { ApiMetrics } from '../api.metrics';
import { API_LOGGER } from './api.tokens';

/** The process's validated configuration, its logger and metrics, for every module of the API. */
@Global()
@Module({})
export class ApiContextModule {
  static forRoot(config: ApiEnv, logger: Logger, metrics: ApiMetrics): DynamicModule {
    return {
      module: ApiContextModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: API_LOGGER, useValue: logger },
        { provide: ApiMetrics, useValue: metrics },
      ],
      exports: [APP_CONFIG, API_LOGGER, ApiMetrics],
    };
  }
}
