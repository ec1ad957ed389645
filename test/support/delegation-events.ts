import type { Producer } from 'kafkajs';

/**
 * CloudEvents of one tenant's gateway, written by hand for stories no scenario file tells
 * (hops that never arrive, delegations seen only through their exchange). Each event id is
 * unique to the tenant, whose name carries the test's random suffix.
 */
export type CloudEvent = Record<string, unknown> & { id: string; data: Record<string, unknown> };

export interface Person {
  id: string;
  issuer: string;
  kind: 'human' | 'agent' | 'tool' | 'service' | 'workload';
}

export function gateway(tenant: string) {
  let next = 0;
  const envelope = (type: string, data: Record<string, unknown>): CloudEvent => ({
    specversion: '1.0',
    id: `${tenant}-ev-${++next}`,
    source: `gw://${tenant}`,
    type,
    time: new Date(Date.UTC(2026, 11, 1, 9, 0, next)).toISOString(),
    tenantid: tenant,
    data,
  });
  const token = (jti: string) => ({ jti: `${jti}-${tenant}`, issuer: 'https://sts.example' });
  return {
    tenant,
    person: (id: string, kind: Person['kind']): Person => ({
      id,
      issuer: `https://${kind}.example`,
      kind,
    }),
    /** `actor` obtains token `issued`, on `subject`'s authority carried by token `from`. */
    exchange: (
      requestId: string,
      subject: Person,
      actor: Person,
      from: string,
      issued: string,
    ): CloudEvent =>
      envelope('provenant.token.exchanged', {
        requestId,
        subject,
        actor,
        subjectToken: token(from),
        issuedToken: token(issued),
      }),
    /** `actor` calls `service` for `onBehalfOf`, presenting token `jti`. */
    action: (
      requestId: string,
      hop: { hopId: string; parentHopId?: string },
      actor: Person,
      onBehalfOf: Person,
      jti: string,
      service = 'crm-api',
    ): CloudEvent =>
      envelope('provenant.action.performed', {
        requestId,
        ...hop,
        actor,
        onBehalfOf,
        target: { service },
        token: token(jti),
        decision: 'allow',
      }),
  };
}

/** Produces events as a gateway does: structured CloudEvents keyed by their request. */
export function send(producer: Producer, topic: string, events: CloudEvent[]) {
  return producer.send({
    topic,
    messages: events.map((event) => ({
      key: typeof event.data.requestId === 'string' ? event.data.requestId : event.id,
      value: JSON.stringify(event),
      headers: { 'content-type': 'application/cloudevents+json' },
    })),
  });
}
