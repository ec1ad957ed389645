/**
 * Text PostgreSQL's text and jsonb cannot hold: NUL, and a UTF-16 surrogate without its
 * partner (JSON allows both as escapes). Refused wherever input arrives (events, arguments).
 */
export const UNSTORABLE_TEXT =
  // eslint-disable-next-line no-control-regex -- matching NUL is the point
  /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
