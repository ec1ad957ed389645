import { Roles, type Caller } from '@app/auth';
import { LedgerProofError, LedgerProofs } from '@app/ledger';
import {
  BadRequestException,
  Controller,
  Get,
  Header,
  Inject,
  NotFoundException,
  Query,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentCaller } from '../auth/current-caller.decorator';
import { consistencyQuerySchema, inclusionQuerySchema, parseQuery } from './ledger-query';
import { LEDGER_VERIFIER_KEY } from './ledger-verifier-key';

const ANY_ROLE = ['investigator', 'dashboard', 'siem', 'admin'] as const;
const b64 = (hash: Buffer): string => hash.toString('base64');

/** Proof errors are the caller's (a size beyond the ledger...): 400 with the reason. */
async function answering<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof LedgerProofError) throw new BadRequestException(error.message);
    throw error;
  }
}

/**
 * CONTRACT §9: the ledger's signed checkpoints, its verifier key and RFC 9162 proofs, so that
 * anyone holding a record can check it is in the ledger as stored, and that the ledger only
 * ever grew. Inclusion proofs only for events the caller may see.
 */
@Controller('v1/ledger')
@ApiTags('ledger')
@ApiBearerAuth()
export class LedgerController {
  constructor(
    private readonly proofs: LedgerProofs,
    @Inject(LEDGER_VERIFIER_KEY) private readonly verifierKey: string,
  ) {}

  @Get('key')
  @Roles(...ANY_ROLE)
  @ApiOperation({
    summary: 'The verifier key of the checkpoints, C2SP vkey form (<name>+<id>+<key>).',
  })
  @Header('Content-Type', 'text/plain; charset=utf-8')
  key(): string {
    return `${this.verifierKey}\n`;
  }

  @Get('checkpoint')
  @Roles(...ANY_ROLE)
  @ApiOperation({ summary: 'The latest signed checkpoint, a C2SP signed note (text/plain).' })
  @ApiResponse({ status: 404, description: 'No checkpoint signed yet.' })
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async checkpoint(): Promise<string> {
    const checkpoint = await this.proofs.latestCheckpoint();
    if (!checkpoint) throw new NotFoundException('no checkpoint signed yet');
    return checkpoint.note;
  }

  @Get('proof/inclusion')
  @Roles(...ANY_ROLE)
  @ApiOperation({ summary: 'RFC 9162 §2.1.3 inclusion proof of one leaf the caller may see.' })
  @ApiQuery({
    name: 'leaf',
    description: 'A leaf index, or `event:<id>` (the record’s provenantuid).',
  })
  @ApiQuery({
    name: 'size',
    required: false,
    description: 'Tree size; the latest checkpoint’s by default.',
  })
  @ApiOkResponse({
    description: '{ leafIndex, treeSize, leafHash, auditPath[], eventId }, hashes in base64.',
  })
  @ApiResponse({ status: 404, description: 'No such leaf, or none the caller may see.' })
  async inclusion(@CurrentCaller() caller: Caller, @Query() query: unknown) {
    const { leaf, size } = parseQuery(inclusionQuerySchema, query);
    const proof = await answering(() => this.proofs.inclusion(caller.scope, leaf, size));
    if (!proof) throw new NotFoundException('no such leaf');
    return {
      leafIndex: proof.leafIndex,
      treeSize: proof.treeSize,
      leafHash: b64(proof.leafHash),
      auditPath: proof.auditPath.map(b64),
      eventId: proof.eventId,
    };
  }

  @Get('proof/consistency')
  @Roles(...ANY_ROLE)
  @ApiOperation({ summary: 'RFC 9162 §2.1.4 consistency proof between two tree sizes.' })
  @ApiOkResponse({ description: '{ from, to, proof[] }, hashes in base64.' })
  async consistency(@Query() query: unknown) {
    const { from, to } = parseQuery(consistencyQuerySchema, query);
    const proof = await answering(() => this.proofs.consistency(from, to));
    return { from, to, proof: proof.map(b64) };
  }
}
