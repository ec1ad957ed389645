import { Roles, type Caller } from '@app/auth';
import { identifierSchema, UNSTORABLE_TEXT } from '@app/contract';
import { toProvDocument } from '@app/export';
import { InvestigationService } from '@app/investigation';
import {
  BadRequestException,
  Controller,
  Get,
  Header,
  NotFoundException,
  Param,
  Query,
  UseGuards,
} from '@nestjs/common';
import type { ProvJsonDocument } from '@app/export';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentCaller } from '../auth/current-caller.decorator';
import { ExportThrottlerGuard } from './export-throttler.guard';

const requestIdSchema = identifierSchema(256);

/**
 * One request's chain as a W3C PROV-JSON document (CONTRACT §6), for auditors: built from
 * the same answer as the `provenance` query, so it shows exactly what the caller may see.
 */
@Controller('v1/export/provenance')
@UseGuards(ExportThrottlerGuard)
@ApiTags('export')
@ApiBearerAuth()
export class ProvenanceExportController {
  constructor(private readonly investigation: InvestigationService) {}

  @Get(':requestId')
  @Roles('investigator', 'siem')
  @ApiOperation({
    summary:
      'One request’s delegation chain as a W3C PROV-JSON document (roles investigator, siem).',
  })
  @ApiParam({ name: 'requestId', description: 'The request id the gateways reported.' })
  @ApiQuery({ name: 'format', required: false, enum: ['prov-json'] })
  @ApiOkResponse({ description: 'The PROV-JSON document (application/json).' })
  @ApiResponse({ status: 404, description: 'No such request, or none the caller may see.' })
  @ApiResponse({ status: 429, description: 'Too many requests: see Retry-After.' })
  @Header('Content-Type', 'application/json; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async provenance(
    @CurrentCaller() caller: Caller,
    @Param('requestId') requestId: string,
    @Query('format') format: unknown,
  ): Promise<ProvJsonDocument> {
    if (format !== undefined && format !== 'prov-json')
      throw new BadRequestException('format: expected prov-json');
    if (!requestIdSchema.safeParse(requestId).success || UNSTORABLE_TEXT.test(requestId))
      throw new BadRequestException('requestId: not a request id');
    const answer = await this.investigation.provenance(caller.scope, requestId);
    // What the caller may not see does not exist for it.
    if (!answer) throw new NotFoundException('no such request');
    return toProvDocument(answer);
  }
}
