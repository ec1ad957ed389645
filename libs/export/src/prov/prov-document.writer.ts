import { keyOfRecord, type PrincipalView, type TokenView } from '@app/graph';
import { agentAttributes, bareTokenAttributes, tokenAttributes } from './prov-nodes';
import {
  PROVENANT_NAMESPACE,
  PROV_NAMESPACE,
  XSD_NAMESPACE,
  type ProvAttributes,
  type ProvJsonDocument,
  type ProvRecords,
} from './prov-json.types';
import { principalName, tokenName, tokenNameOfRecord } from './prov-qualified-name';

export type Relation = Exclude<keyof ProvJsonDocument, 'prefix' | 'entity' | 'activity' | 'agent'>;

/** Blank-node ids of relations, named after the PROV-DM concept, numbered in order of writing. */
const RELATION_IDS: Readonly<Record<Relation, string>> = {
  wasGeneratedBy: 'generation',
  used: 'usage',
  wasInformedBy: 'communication',
  wasInvalidatedBy: 'invalidation',
  wasDerivedFrom: 'derivation',
  wasAssociatedWith: 'association',
  actedOnBehalfOf: 'delegation',
};

const byName = (records: Map<string, ProvAttributes>): ProvRecords =>
  Object.fromEntries([...records].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** The records of one document as they are written, and the document they make. */
export class ProvDocumentWriter {
  readonly entities = new Map<string, ProvAttributes>();
  readonly activities = new Map<string, ProvAttributes>();
  readonly agents = new Map<string, ProvAttributes>();
  private readonly relations = new Map<Relation, ProvRecords>(
    Object.keys(RELATION_IDS).map((relation) => [relation as Relation, {}]),
  );
  private readonly tokenNames = new Map<string, string>();

  addTokens(tokens: readonly TokenView[], gapKinds: (recordKey: string) => string[]): void {
    for (const token of [...tokens].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
      const name = tokenName(token.reportedBy, keyOfRecord(token.key));
      this.tokenNames.set(token.key, name);
      this.entities.set(name, tokenAttributes(token, gapKinds(token.key)));
    }
  }

  agent(principal: PrincipalView): string {
    const name = principalName(principal);
    if (!this.agents.has(name)) this.agents.set(name, agentAttributes(principal));
    return name;
  }

  token(recordKey: string): string {
    const known = this.tokenNames.get(recordKey);
    if (known !== undefined) return known;
    const name = tokenNameOfRecord(recordKey);
    this.tokenNames.set(recordKey, name);
    this.entities.set(name, bareTokenAttributes(keyOfRecord(recordKey)));
    return name;
  }

  relate(relation: Relation, attributes: ProvAttributes): string {
    const records = this.relations.get(relation)!;
    const id = `_:${RELATION_IDS[relation]}${Object.keys(records).length + 1}`;
    records[id] = attributes;
    return id;
  }

  document(): ProvJsonDocument {
    const relation = (name: Relation): ProvRecords => this.relations.get(name)!;
    return {
      prefix: { prov: PROV_NAMESPACE, xsd: XSD_NAMESPACE, provenant: PROVENANT_NAMESPACE },
      entity: byName(this.entities),
      activity: byName(this.activities),
      agent: byName(this.agents),
      wasGeneratedBy: relation('wasGeneratedBy'),
      used: relation('used'),
      wasInformedBy: relation('wasInformedBy'),
      wasInvalidatedBy: relation('wasInvalidatedBy'),
      wasDerivedFrom: relation('wasDerivedFrom'),
      wasAssociatedWith: relation('wasAssociatedWith'),
      actedOnBehalfOf: relation('actedOnBehalfOf'),
    };
  }
}
