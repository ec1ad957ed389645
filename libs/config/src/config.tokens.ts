/** Injection token under which each application provides its validated configuration. */
export const APP_CONFIG = Symbol('APP_CONFIG');
