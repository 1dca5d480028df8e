// The package ships no types for its signer; only what the tests use as an independent oracle is declared.
declare module '@baiducloud/sdk' {
  export class Auth {
    constructor(accessKeyId: string, secretAccessKey: string);
    generateAuthorization(
      method: string,
      path: string,
      params: Record<string, string>,
      headers: Record<string, string>,
      timestampSeconds?: number,
      expirationSeconds?: number,
      headersToSign?: string[],
    ): string;
    normalize(value: string, encodeSlash?: boolean): string;
  }
  const sdk: { Auth: typeof Auth };
  export default sdk;
}
