/** Kept in step with packages/sdk/package.json (a test checks it); sent in the User-Agent. */
export const SDK_VERSION = '0.1.0';
