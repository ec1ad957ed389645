export interface TrafficEvent {
  key: string;
  value: {
    specversion: '1.0';
    id: string;
    source: string;
    type: string;
    time: string;
    tenantid: string;
    data: Record<string, unknown>;
  };
}
export function generateTraffic(options: {
  requests: number;
  seed?: number;
  tenants?: number;
  principalsPerTenant?: number;
  run?: string;
}): Generator<TrafficEvent>;
export function expectedCounts(events: Iterable<TrafficEvent>): {
  events: number;
  exchanges: number;
  hops: number;
};
