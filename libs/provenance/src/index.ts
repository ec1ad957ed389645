// Provenance: the one place that reconstructs who acted on whose behalf for a request,
// used alike by the API, the exports and the anomaly rules. Pure: no I/O.
// Stored facts of a request (loaded by the persistence layer).
export type {
  ExchangeView,
  HopView,
  PrincipalChangeView,
  PrincipalView,
  RequestGraph,
  TokenView,
} from '@app/persistence';
export * from './token-lineage';
export * from './chain-reconstructor';
