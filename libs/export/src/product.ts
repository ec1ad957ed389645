/**
 * How every export names the product that wrote it (OCSF `metadata.product`, the CEF
 * header's vendor, product and version). The version follows package.json (a spec checks).
 */
export const PRODUCT = Object.freeze({ vendor: 'Provenant', name: 'Provenant', version: '0.1.0' });
