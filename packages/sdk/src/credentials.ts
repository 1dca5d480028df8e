// Where keys, region and endpoint come from: explicit config > environment > profile file > legacy ini.
import { dirname, join } from 'node:path';
import { DEFAULT_REGION, regionEndpoint } from './endpoint.ts';
import { BceClientError } from './errors.ts';
import { defaultConfigPath, getProfile, type Profile, readLegacyCredentials } from './profiles.ts';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export type CredentialSource = 'explicit' | 'env' | 'profile' | 'legacy-ini';

export interface ResolveConfigInput {
  credentials?: Credentials;
  region?: string;
  endpoint?: string;
  /** A profile chosen in code wins over the environment (keys, region and endpoint): it is as explicit as passing them. */
  profile?: string;
  /** Environment to read; defaults to process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Profile file; defaults to `~/.bce/config.json`. */
  configPath?: string;
}

export interface ResolvedConfig {
  credentials: Credentials;
  credentialSource: CredentialSource;
  region: string;
  endpoint: string;
  profileName?: string;
}

interface Layer {
  region: string | undefined;
  endpoint: string | undefined;
  /**
   * A profile's region without an endpoint says where its keys belong (that BCE region). A region passed in
   * code or the environment only picks a region: it never moves keys away from an endpoint configured below.
   */
  regionIsTarget: boolean;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}

function fromProfile(profile: Profile): Credentials {
  const credentials: Credentials = {
    accessKeyId: profile.accessKeyId,
    secretAccessKey: profile.secretAccessKey,
  };
  if (profile.securityToken) credentials.sessionToken = profile.securityToken;
  return credentials;
}

export const MISSING_CREDENTIALS_HELP =
  'No BCE credentials found. Pass { credentials: { accessKeyId, secretAccessKey } } to the client, ' +
  'set BCE_ACCESS_KEY_ID and BCE_SECRET_ACCESS_KEY, or create a profile with `peerconn configure` ' +
  '(stored in ~/.bce/config.json; pick one with BCE_PROFILE).';

/** Resolves credentials, region and endpoint; throws a `config` BceClientError when no keys are found. */
export function resolveConfig(input: ResolveConfigInput = {}): ResolvedConfig {
  const env = input.env ?? process.env;
  const configPath = input.configPath ?? defaultConfigPath();

  if (input.credentials && (!input.credentials.accessKeyId || !input.credentials.secretAccessKey)) {
    throw new BceClientError(
      'config',
      'Expected credentials with a non-empty accessKeyId and secretAccessKey, got an incomplete credentials object',
    );
  }

  const profileName = input.profile ?? nonEmpty(env.BCE_PROFILE);
  // Read only when no key was given in code or the environment, so such clients never touch the file system;
  // set only when the keys came from it, so its region and endpoint count below exactly then.
  let profile: Profile | undefined;
  let credentials: Credentials | undefined;
  let credentialSource: CredentialSource | undefined;
  const envKey = nonEmpty(env.BCE_ACCESS_KEY_ID);
  const envSecret = nonEmpty(env.BCE_SECRET_ACCESS_KEY);
  if (input.credentials) {
    credentials = { ...input.credentials };
    credentialSource = 'explicit';
  } else if (input.profile === undefined && envKey && envSecret) {
    credentials = { accessKeyId: envKey, secretAccessKey: envSecret };
    const token = nonEmpty(env.BCE_SESSION_TOKEN);
    if (token) credentials.sessionToken = token;
    credentialSource = 'env';
  } else {
    // A profile named in code must exist (getProfile throws otherwise) and is never replaced by the legacy file.
    profile = getProfile(profileName, configPath);
    if (profile) {
      credentials = fromProfile(profile);
      credentialSource = 'profile';
    } else if (input.profile === undefined) {
      const legacy = readLegacyCredentials(join(dirname(configPath), 'credentials'));
      if (legacy) {
        credentials = legacy;
        credentialSource = 'legacy-ini';
      }
    }
  }
  if (!credentials || !credentialSource) throw new BceClientError('config', MISSING_CREDENTIALS_HELP);

  // Region and endpoint follow the same order as the keys: a profile named by the caller is as explicit as
  // passing its values, so it beats the environment (a shell exporting BCE_ENDPOINT for one account must not
  // send another profile's calls there); the file's current or BCE_PROFILE profile comes after it.
  const explicitLayer: Layer = {
    region: nonEmpty(input.region),
    endpoint: nonEmpty(input.endpoint),
    regionIsTarget: false,
  };
  const envLayer: Layer = {
    region: nonEmpty(env.BCE_REGION),
    endpoint: nonEmpty(env.BCE_ENDPOINT),
    regionIsTarget: false,
  };
  const fileLayer: Layer = { region: profile?.region, endpoint: profile?.endpoint, regionIsTarget: true };
  const layers =
    input.profile !== undefined ? [explicitLayer, fileLayer, envLayer] : [explicitLayer, envLayer, fileLayer];
  const region = layers.find((l) => l.region !== undefined)?.region ?? DEFAULT_REGION;
  // The first layer that names a place decides: its endpoint, or for a profile with only a region, that
  // region's BCE host. With no such layer the region picks the BCE host.
  const deciding = layers.find(
    (l) => l.endpoint !== undefined || (l.regionIsTarget && l.region !== undefined),
  );
  const endpoint = deciding?.endpoint ?? regionEndpoint(region);

  const resolved: ResolvedConfig = { credentials, credentialSource, region, endpoint };
  if (credentialSource === 'profile' && profileName) resolved.profileName = profileName;
  return resolved;
}
