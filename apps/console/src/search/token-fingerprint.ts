// The fingerprint a gateway reports for a raw token, computed here, in the browser, with
// WebCrypto: `sha256:` and the lowercase hex SHA-256 of the token's UTF-8 bytes, as the
// ingestor computes it (libs/ingestion credential-scrubber `fingerprintOf`). The raw token
// never leaves this function; only the fingerprint is sent.
export async function fingerprintOf(raw: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(raw));
  const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
  return `sha256:${hex}`;
}

/** What a pasted credential usually carries around the token itself: whitespace, a scheme. */
export const bareToken = (pasted: string): string =>
  pasted
    .trim()
    .replace(/^(?:authorization:\s*)?(?:bearer|dpop)\s+/i, '')
    .trim();
