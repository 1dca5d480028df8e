// The CLI's version, kept in step with packages/cli/package.json (a test checks it). A constant rather than a
// read of package.json, so `--version` costs no file system access and works the same from the bundle.
import { SDK_VERSION } from '@peerconn/sdk';

export const CLI_VERSION = '0.1.0';

/** What `peerconn --version` prints and `--debug` starts with, in aws-cli's `name/version …` style. */
export function versionLine(): string {
  return `peerconn/${CLI_VERSION} sdk/${SDK_VERSION} node/${process.version} ${process.platform}/${process.arch}`;
}
