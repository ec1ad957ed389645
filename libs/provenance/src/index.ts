// Provenance: the one place that reconstructs who acted on whose behalf for a request,
// used alike by the API, the exports and the anomaly rules. Pure: no I/O.
export * from './token-lineage';
export * from './chain-reconstructor';
