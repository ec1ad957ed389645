import { keyOfRecord, type Severity, type TokenView } from '@app/graph';
import type { Provenance } from '@app/provenance';
import { ProvDocumentWriter } from './prov-document.writer';
import { exchangeAttributes, hopAttributes, requestAttributes } from './prov-nodes';
import { qualifiedName, type ProvJsonDocument } from './prov-json.types';
import { exchangeName, hopName, requestName } from './prov-qualified-name';

/** An anomaly as the document needs it (a stored anomaly is one). */
export interface ProvAnomalyInput {
  id: string;
  rule: string;
  severity: Severity;
  summary: string;
  detectedAt: Date;
}

/** One request's reconstructed provenance, its anomalies and its tokens (an investigation answer). */
export interface ProvDocumentInput {
  provenance: Pick<
    Provenance,
    'requestId' | 'origin' | 'chain' | 'hops' | 'exchanges' | 'gaps' | 'complete'
  >;
  anomalies: readonly ProvAnomalyInput[];
  tokens: readonly TokenView[];
}

const push = (map: Map<string, string[]>, key: string, value: string): void => {
  const values = map.get(key);
  if (values === undefined) map.set(key, [value]);
  else if (!values.includes(value)) values.push(value);
};

/**
 * One request's provenance as a W3C PROV-JSON document. Principals are agents, hops and token
 * exchanges activities, tokens entities; each delegate in the chain acted on behalf of the one
 * before it, each issued token was derived from its subject token by its exchange. The same
 * answer always gives the same document, byte for byte: nodes are sorted by name, relations
 * follow the reconstruction's own order (hops and exchanges oldest first, the chain in order).
 */
export function toProvDocument(input: ProvDocumentInput): ProvJsonDocument {
  const { provenance } = input;
  const writer = new ProvDocumentWriter();

  // Gaps on the nodes they name: the hop, and the token presented at that hop.
  const hopGaps = new Map<string, string[]>();
  const tokenGaps = new Map<string, string[]>();
  for (const gap of provenance.gaps) {
    for (const hop of provenance.hops) {
      if (gap.hopId === null || hop.hopId !== gap.hopId) continue;
      push(hopGaps, hop.key, gap.kind);
      if (gap.tokenKey !== null && hop.tokenKey && keyOfRecord(hop.tokenKey) === gap.tokenKey)
        push(tokenGaps, hop.tokenKey, gap.kind);
    }
  }
  writer.addTokens(input.tokens, (key) => tokenGaps.get(key) ?? []);

  const hopNames = new Map(provenance.hops.map((hop) => [hop.key, hopName(hop.tenant, hop.hopId)]));
  for (const hop of provenance.hops) {
    const activity = hopNames.get(hop.key)!;
    const onBehalfOf = hop.onBehalfOf === null ? null : writer.agent(hop.onBehalfOf);
    writer.activities.set(activity, hopAttributes(hop, onBehalfOf, hopGaps.get(hop.key) ?? []));
    writer.relate('wasAssociatedWith', {
      'prov:activity': activity,
      'prov:agent': writer.agent(hop.actor),
    });
    if (hop.tokenKey)
      writer.relate('used', {
        'prov:activity': activity,
        'prov:entity': writer.token(hop.tokenKey),
        'prov:time': hop.occurredAt.toISOString(),
        'prov:role': qualifiedName('provenant:presentedToken'),
      });
  }
  for (const hop of provenance.hops) {
    const parent = hop.parentKey === null ? undefined : hopNames.get(hop.parentKey);
    if (parent !== undefined)
      writer.relate('wasInformedBy', {
        'prov:informed': hopNames.get(hop.key)!,
        'prov:informant': parent,
      });
  }

  const derived = new Set<string>();
  const exchangeNames = new Map<string, string>();
  for (const exchange of provenance.exchanges) {
    const activity = exchangeName(exchange.tenant, exchange.eventId);
    const time = exchange.occurredAt.toISOString();
    exchangeNames.set(exchange.eventId, activity);
    writer.activities.set(activity, exchangeAttributes(exchange));
    writer.agent(exchange.subject);
    writer.relate('wasAssociatedWith', {
      'prov:activity': activity,
      'prov:agent': writer.agent(exchange.actor),
    });
    const subjectToken = writer.token(exchange.subjectTokenKey);
    const usage = writer.relate('used', {
      'prov:activity': activity,
      'prov:entity': subjectToken,
      'prov:time': time,
      'prov:role': qualifiedName('provenant:subjectToken'),
    });
    if (exchange.actorTokenKey !== null)
      writer.relate('used', {
        'prov:activity': activity,
        'prov:entity': writer.token(exchange.actorTokenKey),
        'prov:time': time,
        'prov:role': qualifiedName('provenant:actorToken'),
      });
    const issuedToken = writer.token(exchange.issuedTokenKey);
    const generation = writer.relate('wasGeneratedBy', {
      'prov:entity': issuedToken,
      'prov:activity': activity,
      'prov:time': time,
    });
    writer.relate('wasDerivedFrom', {
      'prov:generatedEntity': issuedToken,
      'prov:usedEntity': subjectToken,
      'prov:activity': activity,
      'prov:generation': generation,
      'prov:usage': usage,
    });
    derived.add(`${issuedToken} ${subjectToken}`);
  }

  // Lineage the stored tokens know of but no exchange of this request shows, and revocations.
  const tokens = [...input.tokens].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const token of tokens) {
    const name = writer.token(token.key);
    if (token.parentKey !== null) {
      const parent = writer.token(token.parentKey);
      if (!derived.has(`${name} ${parent}`))
        writer.relate('wasDerivedFrom', {
          'prov:generatedEntity': name,
          'prov:usedEntity': parent,
        });
    }
    if (token.revokedAt !== null)
      writer.relate('wasInvalidatedBy', {
        'prov:entity': name,
        'prov:time': token.revokedAt.toISOString(),
        ...(token.revokedBy === null ? {} : { 'provenant:reportedBy': token.revokedBy }),
      });
  }

  // Each delegate acted on behalf of the principal before it in the chain, for the exchange
  // that made it a delegate (else the first hop it performed), when one was observed.
  const chain = provenance.chain.map((principal) => writer.agent(principal));
  provenance.chain.forEach((delegate, position) => {
    if (position === 0) return;
    const exchange = provenance.exchanges.find((x) => x.actor.ref === delegate.ref);
    const hop = provenance.hops.find((h) => h.actor.ref === delegate.ref);
    const activity = exchange
      ? exchangeNames.get(exchange.eventId)
      : hop
        ? hopNames.get(hop.key)
        : undefined;
    writer.relate('actedOnBehalfOf', {
      'prov:delegate': chain[position],
      'prov:responsible': chain[position - 1],
      ...(activity === undefined ? {} : { 'prov:activity': activity }),
      'provenant:position': position,
    });
  });

  writer.entities.set(
    requestName(provenance.requestId),
    requestAttributes({
      requestId: provenance.requestId,
      complete: provenance.complete,
      origin: provenance.origin === null ? null : writer.agent(provenance.origin),
      chain,
      gaps: provenance.gaps.map((gap) => `${gap.kind}: ${gap.detail}`),
      // By id, a decimal integer: the order they were stored in, whatever order they came in.
      anomalies: [...input.anomalies]
        .sort((a, b) => a.id.length - b.id.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .map((a) => `${a.rule} ${a.severity} ${a.id} ${a.detectedAt.toISOString()}: ${a.summary}`),
    }),
  );
  return writer.document();
}
