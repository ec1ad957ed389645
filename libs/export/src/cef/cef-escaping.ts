import { PRODUCT } from '../product';
/**
 * CEF's character rules, from the ArcSight "Implementing ArcSight Common Event Format (CEF)"
 * standard (revision 16 onwards, section "Character Encoding"):
 * - a pipe in a header field is escaped with a backslash; a pipe in the extension is not;
 * - a backslash is escaped with another backslash, in the header and in the extension;
 * - an equal sign in the extension is escaped with a backslash; in the header it is not;
 * - multi-line values are sent by encoding the newline as `\n` or `\r`, and multiple lines
 *   are allowed only in the value part of the extension.
 * The line is UTF-8: non-ASCII text passes through.
 */

const HEADER_SPECIAL = /[\\|\r\n]/;
const HEADER_SPECIALS = /[\\|\r\n]/g;
const EXTENSION_SPECIAL = /[\\=\r\n]/;
const EXTENSION_SPECIALS = /[\\=\r\n]/g;

/**
 * A header field. The standard gives a header no newline encoding (multiple lines are for
 * extension values only), so each CR and each LF becomes a space: the record stays one line
 * and the field keeps its word boundaries.
 */
export function escapeHeaderField(value: string): string {
  if (!HEADER_SPECIAL.test(value)) return value;
  return value.replace(HEADER_SPECIALS, (char) =>
    char === '\\' ? '\\\\' : char === '|' ? '\\|' : ' ',
  );
}

const EXTENSION_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '=': '\\=',
  '\r': '\\r',
  '\n': '\\n',
};

/** An extension value: the common case (nothing to escape) costs one regular-expression test. */
export function escapeExtensionValue(value: string): string {
  if (!EXTENSION_SPECIAL.test(value)) return value;
  return value.replace(EXTENSION_SPECIALS, (char) => EXTENSION_ESCAPES[char]);
}

/** A value of the extension; absent (and empty) values leave their key out. */
export type CefValue = string | number | null | undefined;

/** The header fields after the vendor, product and version, which are Provenant's own. */
export interface CefHeader {
  signatureId: string;
  name: string;
  /** 0–10. */
  severity: number;
}

const PREFIX = `CEF:0|${PRODUCT.vendor}|${PRODUCT.name}|${PRODUCT.version}|`;

/**
 * One CEF record without the trailing newline. `extension` lists key and value pairs in the
 * order they are written; keys are fixed ASCII names of the CEF dictionary and are not escaped.
 */
export function cefLine(
  header: CefHeader,
  extension: ReadonlyArray<readonly [string, CefValue]>,
): string {
  let text = '';
  for (const [key, value] of extension) {
    if (value === null || value === undefined || value === '') continue;
    const written = typeof value === 'number' ? String(value) : escapeExtensionValue(value);
    text += text === '' ? `${key}=${written}` : ` ${key}=${written}`;
  }
  return (
    `${PREFIX}${escapeHeaderField(header.signatureId)}|${escapeHeaderField(header.name)}` +
    `|${header.severity}|${text}`
  );
}
