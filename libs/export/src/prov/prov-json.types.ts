/**
 * The part of W3C PROV-JSON Provenant writes. Source: "The PROV-JSON Serialization", W3C
 * Member Submission, 24 April 2013 (https://www.w3.org/submissions/2013/SUBM-prov-json-20130424/):
 * a document is an object with a `prefix` map and one map per record type, from each
 * record's identifier to its attributes (§2); a value is a JSON string, number or boolean, a
 * typed literal `{"$": lexical form, "type": datatype}`, or an array of those (§3.1); a
 * qualified-name value is typed `xsd:QName` (§3.1.2).
 */

export interface ProvTypedLiteral {
  $: string;
  type: string;
}
export type ProvScalar = string | number | boolean | ProvTypedLiteral;
export type ProvValue = ProvScalar | ProvScalar[];
export type ProvAttributes = Record<string, ProvValue>;
/** Record identifier → attributes (formal attributes such as `prov:activity` included). */
export type ProvRecords = Record<string, ProvAttributes>;

export interface ProvJsonDocument {
  prefix: Record<string, string>;
  entity: ProvRecords;
  activity: ProvRecords;
  agent: ProvRecords;
  wasGeneratedBy: ProvRecords;
  used: ProvRecords;
  wasInformedBy: ProvRecords;
  wasInvalidatedBy: ProvRecords;
  wasDerivedFrom: ProvRecords;
  wasAssociatedWith: ProvRecords;
  actedOnBehalfOf: ProvRecords;
}

export const PROV_NAMESPACE = 'http://www.w3.org/ns/prov#';
export const XSD_NAMESPACE = 'http://www.w3.org/2001/XMLSchema#';
/** Provenant's own terms and identifiers: `provenant:hop.acme.h1` is `urn:provenant:hop.acme.h1`. */
export const PROVENANT_NAMESPACE = 'urn:provenant:';

/** A qualified-name value (an attribute that names another record or a type). */
export const qualifiedName = (name: string): ProvTypedLiteral => ({ $: name, type: 'xsd:QName' });

/** An `xsd:dateTime` value, always in UTC to the millisecond, so equal instants read alike. */
export const dateTime = (at: Date): ProvTypedLiteral => ({
  $: at.toISOString(),
  type: 'xsd:dateTime',
});
