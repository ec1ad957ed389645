import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Anomaly } from './anomaly.model';
import { GapKind } from './enums';
import { Hop } from './hop.model';
import { ChainLink, Principal } from './principal.model';
import { TokenDerivation } from './token.model';

@ObjectType({ description: 'What could not be linked, and why.' })
export class Gap {
  @Field(() => GapKind) kind!: GapKind;
  @Field(() => ID, { nullable: true }) hopId!: string | null;
  @Field(() => String, { nullable: true }) tokenKey!: string | null;
  @Field() reason!: string;
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
