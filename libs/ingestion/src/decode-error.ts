/** Why a message was refused; each code ends in the dead-letter topic with a readable reason. */
export const DECODE_ERROR_CODES = [
  'EMPTY_MESSAGE',
  'MESSAGE_TOO_LARGE',
  'INVALID_UTF8',
  'INVALID_JSON',
  'FORBIDDEN_KEY',
  'TOO_DEEP',
  'UNSTORABLE_TEXT',
  'INVALID_ENVELOPE',
  'UNKNOWN_TYPE',
  'INVALID_DATA',
  'TIME_IN_FUTURE',
  /** Valid by the contract, yet refused by the database (isolated from the rest of its batch). */
  'STORAGE_REFUSED',
] as const;
export type DecodeErrorCode = (typeof DECODE_ERROR_CODES)[number];

export interface DecodeError {
  code: DecodeErrorCode;
  message: string;
}

export const describeDecodeError = (error: DecodeError): string =>
  `${error.code}: ${error.message}`;
