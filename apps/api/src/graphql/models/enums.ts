import { registerEnumType } from '@nestjs/graphql';

export enum PrincipalKind {
  HUMAN = 'human',
  AGENT = 'agent',
  SERVICE = 'service',
  TOOL = 'tool',
  WORKLOAD = 'workload',
}
registerEnumType(PrincipalKind, { name: 'PrincipalKind' });

export enum Severity {
  LOW = 'LOW',
  MEDIUM = 'MEDIUM',
  HIGH = 'HIGH',
  CRITICAL = 'CRITICAL',
}
registerEnumType(Severity, { name: 'Severity' });

export enum Decision {
  ALLOW = 'allow',
  DENY = 'deny',
}
registerEnumType(Decision, { name: 'Decision' });

export enum GapKind {
  MISSING_PARENT_HOP = 'MISSING_PARENT_HOP',
  UNLINKED_TOKEN = 'UNLINKED_TOKEN',
  NO_TOKEN = 'NO_TOKEN',
  ACT_MISMATCH = 'ACT_MISMATCH',
  ACTOR_NOT_TOKEN_HOLDER = 'ACTOR_NOT_TOKEN_HOLDER',
  ON_BEHALF_OF_MISMATCH = 'ON_BEHALF_OF_MISMATCH',
}
registerEnumType(GapKind, {
  name: 'GapKind',
  description: 'Why part of a chain could not be linked.',
});

export enum ActionRole {
  ACTOR = 'actor',
  ON_BEHALF_OF = 'on_behalf_of',
  EITHER = 'either',
}
registerEnumType(ActionRole, { name: 'ActionRole' });
