import { InvestigationModule } from '@app/investigation';
import { Module } from '@nestjs/common';
import { RequestsResolver } from './requests.resolver';

/** Searching requests by what they show (principals are searched by the principals feature). */
@Module({ imports: [InvestigationModule], providers: [RequestsResolver] })
export class SearchModule {}
