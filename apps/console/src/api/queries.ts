// The GraphQL documents of the console's views, against the API's committed schema.
const PRINCIPAL = 'id issuer tenant kind displayName reportedBy';
const TOKEN =
  'key jti fingerprint issuer tenant reportedBy audience scopes issuedAt expiresAt revokedAt parentKey';

export const PROVENANCE = `query Provenance($requestId: ID!) {
  provenance(requestId: $requestId) {
    requestId complete
    origin { ${PRINCIPAL} }
    chain { position principal { ${PRINCIPAL} } }
    hops {
      hopId parentHopId requestId occurredAt reportedBy decision reason
      actor { ${PRINCIPAL} } onBehalfOf { ${PRINCIPAL} }
      tool { name server } target { service tenant resource action }
      token { ${TOKEN} }
    }
    gaps { hopId kind reason tokenKey }
    anomalies {
      id rule severity requestId detectedAt summary verdict
      details { principal actor hopId offendingToken reporter }
    }
    tokens {
      exchangedAt grantType
      token { ${TOKEN} } parent { key scopes }
      actor { ${PRINCIPAL} } subject { ${PRINCIPAL} }
    }
  }
}`;

/** Only what the blast radius needs of each request that used a token of the lineage. */
export const REQUEST_HOPS = `query RequestHops($requestId: ID!) {
  provenance(requestId: $requestId) {
    requestId
    hops {
      hopId requestId occurredAt reportedBy decision
      actor { ${PRINCIPAL} } onBehalfOf { ${PRINCIPAL} }
      target { service tenant resource action } token { key fingerprint }
    }
    tokens { token { key fingerprint } }
  }
}`;

export const PRINCIPAL_ACTIONS = `query PrincipalActions($tenant: String!, $issuer: String!, $id: String!, $first: Int, $after: String, $since: DateTime, $until: DateTime) {
  principal(tenant: $tenant, issuer: $issuer, id: $id) {
    ${PRINCIPAL}
    actions(first: $first, after: $after, since: $since, until: $until) {
      edges { cursor node {
        hopId requestId occurredAt reportedBy decision
        actor { ${PRINCIPAL} } onBehalfOf { ${PRINCIPAL} }
        target { service tenant resource action } token { key }
      } }
      pageInfo { endCursor hasNextPage }
    }
  }
}`;

export const TOKEN_LINEAGE = `query TokenLineage($key: String, $jti: String, $issuer: String, $fingerprint: String, $first: Int, $after: String) {
  tokenLineage(key: $key, jti: $jti, issuer: $issuer, fingerprint: $fingerprint, first: $first, after: $after) {
    edges { cursor node { depth actor subject requestId token { ${TOKEN} } } }
    pageInfo { endCursor hasNextPage }
  }
}`;

export const ANOMALY_FEED = `subscription Feed($minSeverity: Severity) {
  anomalyDetected(minSeverity: $minSeverity) { id rule severity requestId detectedAt summary verdict }
}`;
