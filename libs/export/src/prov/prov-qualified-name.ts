import { keyOfRecord, reporterOfRecord, type PrincipalView } from '@app/graph';

/**
 * Identifiers of the records in a PROV document, as `provenant:` qualified names.
 *
 * A qualified name's local part must be a valid XML NCName for `xsd:QName` values (PROV-JSON
 * §3.1.2; Namespaces in XML 1.0, production NCName) and a PN_LOCAL of PROV-N (W3C
 * Recommendation, production PN_LOCAL), whose common ground is: a letter or `_` first, then
 * letters, digits, `_`, `-` and `.`, no `.` last. Provenant's ids (emails, URLs, SPIFFE ids, any UTF-8) are therefore encoded: ASCII
 * letters, digits and `-` stay, every other character becomes `_` and the two upper-case hex
 * digits of each of its UTF-8 bytes (`@` → `_40`, `é` → `_C3_A9`), and an empty part is a
 * lone `_`. The encoding never writes `.`, so `.` joins the parts of a composite id without
 * ambiguity; each local name starts with a fixed word, so it starts with a letter. The same
 * id always gives the same name, and different ids different names.
 */

const KEPT = /^[A-Za-z0-9-]*$/;
const encoder = new TextEncoder();

export function encodeNamePart(text: string): string {
  if (text === '') return '_';
  if (KEPT.test(text)) return text;
  let out = '';
  for (const char of text) {
    if (/[A-Za-z0-9-]/.test(char)) {
      out += char;
      continue;
    }
    for (const byte of encoder.encode(char))
      out += `_${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const name = (kind: string, ...parts: string[]): string =>
  `provenant:${kind}.${parts.map(encodeNamePart).join('.')}`;

/**
 * A principal as its tenant records it (tenant, issuer, id), or another tenant's claim about
 * it: a different record, so a different agent.
 */
export const principalName = (principal: PrincipalView): string =>
  principal.reportedBy === principal.tenant
    ? name('principal', principal.tenant, principal.issuer, principal.id)
    : name('claim', principal.reportedBy, principal.tenant, principal.issuer, principal.id);

/** A token record: its reporter and its key (`jti:<issuer>#<jti>` or `fp:<hash>`). */
export const tokenName = (reportedBy: string, key: string): string =>
  name('token', reportedBy, key);

/** A token record from its record key, when only the key is known. */
export const tokenNameOfRecord = (recordKey: string): string =>
  tokenName(reporterOfRecord(recordKey), keyOfRecord(recordKey));

/** A hop: its owning tenant and its id. */
export const hopName = (tenant: string, hopId: string): string => name('hop', tenant, hopId);

/** A token exchange: the tenant that reported it and its event. */
export const exchangeName = (tenant: string, eventId: string): string =>
  name('exchange', tenant, eventId);

export const requestName = (requestId: string): string => name('request', requestId);
