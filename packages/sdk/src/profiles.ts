// The profile file `~/.bce/config.json` (layout in docs/CONTRACTS.md), read by the SDK and written by the
// CLI's `configure`. Also a read-only look at the legacy bce-cli ini `~/.bce/credentials`.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { BceClientError } from './errors.ts';

export type ProfileMode = 'AK' | 'StsToken';

export interface Profile {
  mode: ProfileMode;
  accessKeyId: string;
  secretAccessKey: string;
  securityToken?: string;
  region?: string;
  endpoint?: string;
}

export interface ConfigFile {
  current?: string;
  profiles: Record<string, Profile>;
}

export interface ProfileEntry {
  name: string;
  current: boolean;
  profile: Profile;
}

export function defaultConfigPath(homeDir: string = homedir()): string {
  return join(homeDir, '.bce', 'config.json');
}

export function legacyCredentialsPath(homeDir: string = homedir()): string {
  return join(homeDir, '.bce', 'credentials');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function toProfile(name: string, value: unknown, path: string): Profile {
  if (!isRecord(value)) {
    throw new BceClientError(
      'config',
      `Expected profile "${name}" in ${path} to be an object, got ${typeof value}`,
    );
  }
  const text = (key: string): string | undefined => {
    const v = value[key];
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  const accessKeyId = text('accessKeyId');
  const secretAccessKey = text('secretAccessKey');
  if (!accessKeyId || !secretAccessKey) {
    throw new BceClientError(
      'config',
      `Expected profile "${name}" in ${path} to have accessKeyId and secretAccessKey, got ${Object.keys(value).join(', ') || 'no fields'}`,
    );
  }
  const profile: Profile = {
    mode: value.mode === 'StsToken' ? 'StsToken' : 'AK',
    accessKeyId,
    secretAccessKey,
  };
  const securityToken = text('securityToken');
  const region = text('region');
  const endpoint = text('endpoint');
  if (securityToken) profile.securityToken = securityToken;
  if (region) profile.region = region;
  if (endpoint) profile.endpoint = endpoint;
  return profile;
}

/** Reads the profile file; a missing file reads as no profiles. Malformed content is a `config` error. */
export function readConfigFile(path: string = defaultConfigPath()): ConfigFile {
  if (!existsSync(path)) return { profiles: {} };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new BceClientError('config', `Expected ${path} to contain JSON, but it could not be parsed`, {
      cause,
    });
  }
  if (!isRecord(raw)) {
    throw new BceClientError('config', `Expected ${path} to hold a JSON object {current, profiles}`);
  }
  const profiles: Record<string, Profile> = {};
  if (isRecord(raw.profiles)) {
    for (const [name, value] of Object.entries(raw.profiles)) profiles[name] = toProfile(name, value, path);
  }
  const file: ConfigFile = { profiles };
  if (typeof raw.current === 'string' && raw.current !== '') file.current = raw.current;
  return file;
}

/** Writes atomically with mode 0600: the file holds secret keys. */
export function writeConfigFile(file: ConfigFile, path: string = defaultConfigPath()): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, path);
}

export function writeProfile(
  name: string,
  profile: Profile,
  options: { path?: string; makeCurrent?: boolean } = {},
): ConfigFile {
  if (name.trim() === '') throw new BceClientError('config', 'Expected a profile name, got ""');
  const path = options.path ?? defaultConfigPath();
  const file = readConfigFile(path);
  file.profiles[name] = profile;
  if (options.makeCurrent || file.current === undefined) file.current = name;
  writeConfigFile(file, path);
  return file;
}

export function deleteProfile(name: string, path: string = defaultConfigPath()): boolean {
  const file = readConfigFile(path);
  if (!(name in file.profiles)) return false;
  delete file.profiles[name];
  if (file.current === name) {
    const remaining = Object.keys(file.profiles);
    if (remaining[0] === undefined) delete file.current;
    else file.current = remaining[0];
  }
  writeConfigFile(file, path);
  return true;
}

export function setCurrentProfile(name: string, path: string = defaultConfigPath()): void {
  const file = readConfigFile(path);
  if (!(name in file.profiles)) {
    throw new BceClientError(
      'config',
      `Expected one of the profiles ${Object.keys(file.profiles).join(', ') || '(none)'} in ${path}, got "${name}"`,
    );
  }
  file.current = name;
  writeConfigFile(file, path);
}

/**
 * The named profile, or the file's current one. Undefined when no name is given and there is no current
 * profile; a `config` error when a name is given that the file does not have.
 */
export function getProfile(name?: string, path: string = defaultConfigPath()): Profile | undefined {
  const file = readConfigFile(path);
  const wanted = name ?? file.current;
  if (wanted === undefined) return undefined;
  const profile = file.profiles[wanted];
  if (!profile && name !== undefined) {
    throw new BceClientError(
      'config',
      `Expected profile "${name}" in ${path}, found ${Object.keys(file.profiles).join(', ') || 'no profiles'}; create it with \`peerconn configure --profile ${name}\``,
    );
  }
  return profile;
}

export function listProfiles(path: string = defaultConfigPath()): ProfileEntry[] {
  const file = readConfigFile(path);
  return Object.entries(file.profiles).map(([name, profile]) => ({
    name,
    current: name === file.current,
    profile,
  }));
}

/** `[defaults]` ak/sk from the legacy bce-cli ini file, if present. Never written. */
export function readLegacyCredentials(
  path: string = legacyCredentialsPath(),
): { accessKeyId: string; secretAccessKey: string } | undefined {
  if (!existsSync(path)) return undefined;
  let section = '';
  const values: Record<string, string> = {};
  for (const rawLine of readFileSync(path, 'utf8').split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = (header[1] ?? '').trim();
      continue;
    }
    const eq = line.indexOf('=');
    if (section !== 'defaults' || eq < 0) continue;
    values[line.slice(0, eq).trim().toLowerCase()] = line.slice(eq + 1).trim();
  }
  const accessKeyId = values.ak;
  const secretAccessKey = values.sk;
  return accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined;
}
