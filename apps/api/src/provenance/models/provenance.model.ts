import { GAP_KINDS, type GapKind as GapKindValue } from '@app/provenance';
import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { graphqlEnum } from '../../common/graphql-enum';
import { Anomaly } from '../../anomalies/models/anomaly.model';
import { Principal } from '../../principals/models/principal.model';
import { Hop } from './hop.model';
import { TokenDerivation } from './token-derivation.model';

export const GapKind = graphqlEnum(GAP_KINDS, {
  name: 'GapKind',
  description: 'Why part of a chain could not be linked.',
});
export type GapKind = GapKindValue;

@ObjectType({ description: 'What could not be linked, and why.' })
export class Gap {
  @Field(() => GapKind) kind!: GapKind;
  @Field(() => ID, { nullable: true }) hopId!: string | null;
  @Field(() => String, { nullable: true }) tokenKey!: string | null;
  @Field() reason!: string;
}

@ObjectType({ description: 'One place in a chain: 0 is the origin, then each delegate in order.' })
export class ChainLink {
  @Field(() => Int) position!: number;
  @Field(() => Principal) principal!: Principal;
}

@ObjectType({ description: 'Who acted on whose behalf for one request.' })
export class Provenance {
  @Field(() => ID) requestId!: string;
  @Field(() => Principal, { nullable: true, description: 'Whose authority the request carries.' })
  origin!: Principal | null;
  @Field(() => [ChainLink], { description: 'Origin first, then each delegate in order.' })
  chain!: ChainLink[];
  @Field(() => [Hop], { description: 'Observed actions, oldest first.' }) hops!: Hop[];
  @Field(() => [TokenDerivation], {
    description: 'Each token involved and how it was derived from its parent.',
  })
  tokens!: TokenDerivation[];
  @Field(() => [Gap]) gaps!: Gap[];
  @Field(() => [Anomaly]) anomalies!: Anomaly[];
  @Field({ description: 'Every hop links back to the origin, with no gaps.' }) complete!: boolean;
}
