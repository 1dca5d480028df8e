// Where credentials, region and endpoint come from, and the profile file the CLI writes.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  BceClientError,
  defaultConfigPath,
  deleteProfile,
  getProfile,
  listProfiles,
  PeerConnClient,
  readConfigFile,
  resolveConfig,
  SDK_VERSION,
  setCurrentProfile,
  writeProfile,
} from '../src/index.ts';
import { parseEndpoint } from '../src/internal.ts';

const home = mkdtempSync(join(tmpdir(), 'peerconn-sdk-home-'));
after(() => rmSync(home, { recursive: true, force: true }));
let counter = 0;
function freshHome(): string {
  counter += 1;
  const dir = join(home, `h${counter}`);
  mkdirSync(dir);
  return dir;
}

const PROFILE = { mode: 'AK' as const, accessKeyId: 'ak-file', secretAccessKey: 'sk-file', region: 'gz' };

describe('profiles file', () => {
  test('write, read, list, switch, delete; file mode 0600', () => {
    const path = defaultConfigPath(freshHome());
    assert.deepEqual(readConfigFile(path), { profiles: {} });
    writeProfile('default', PROFILE, { path });
    writeProfile(
      'emu',
      { mode: 'AK', accessKeyId: 'a2', secretAccessKey: 's2', endpoint: 'http://127.0.0.1:8080' },
      { path },
    );
    assert.equal((statSync(path).mode & 0o777).toString(8), '600');
    assert.equal(readConfigFile(path).current, 'default', 'the first profile becomes current');
    assert.deepEqual(
      listProfiles(path).map((p) => [p.name, p.current]),
      [
        ['default', true],
        ['emu', false],
      ],
    );
    setCurrentProfile('emu', path);
    assert.equal(getProfile(undefined, path)?.accessKeyId, 'a2');
    assert.equal(getProfile('default', path)?.region, 'gz');
    assert.throws(() => getProfile('nope', path), /Expected profile "nope"/);
    assert.throws(() => setCurrentProfile('nope', path), BceClientError);
    writeProfile('third', PROFILE, { path, makeCurrent: true });
    assert.equal(readConfigFile(path).current, 'third');
    assert.equal(deleteProfile('third', path), true);
    assert.equal(deleteProfile('third', path), false);
    assert.notEqual(readConfigFile(path).current, 'third');
    const raw = JSON.parse(readFileSync(path, 'utf8'));
    assert.deepEqual(Object.keys(raw.profiles).sort(), ['default', 'emu']);
  });

  test('malformed files are config errors that name the file', () => {
    const dir = freshHome();
    const path = defaultConfigPath(dir);
    mkdirSync(join(dir, '.bce'));
    writeFileSync(path, '{not json');
    assert.throws(() => readConfigFile(path), { name: 'BceClientError', kind: 'config' });
    writeFileSync(path, JSON.stringify({ profiles: { x: { accessKeyId: 'only' } } }));
    assert.throws(() => readConfigFile(path), /accessKeyId and secretAccessKey/);
  });
});

describe('resolveConfig precedence', () => {
  const ENV = { BCE_ACCESS_KEY_ID: 'ak-env', BCE_SECRET_ACCESS_KEY: 'sk-env', BCE_SESSION_TOKEN: 'tok-env' };

  test('explicit > env > profile file > legacy ini', () => {
    const dir = freshHome();
    const configPath = defaultConfigPath(dir);
    writeProfile('default', PROFILE, { path: configPath });
    writeProfile(
      'other',
      { ...PROFILE, accessKeyId: 'ak-other', securityToken: 'sts' },
      { path: configPath },
    );

    const explicit = resolveConfig({
      credentials: { accessKeyId: 'ak-x', secretAccessKey: 'sk-x' },
      env: ENV,
      configPath,
    });
    assert.equal(explicit.credentials.accessKeyId, 'ak-x');
    assert.equal(explicit.credentialSource, 'explicit');

    const fromEnv = resolveConfig({ env: ENV, configPath });
    assert.deepEqual(fromEnv.credentials, {
      accessKeyId: 'ak-env',
      secretAccessKey: 'sk-env',
      sessionToken: 'tok-env',
    });
    assert.equal(fromEnv.credentialSource, 'env');

    const fromFile = resolveConfig({ env: {}, configPath });
    assert.equal(fromFile.credentials.accessKeyId, 'ak-file');
    assert.equal(fromFile.region, 'gz');
    assert.equal(fromFile.endpoint, 'bcc.gz.baidubce.com');

    const byEnvProfile = resolveConfig({ env: { BCE_PROFILE: 'other' }, configPath });
    assert.equal(byEnvProfile.credentials.accessKeyId, 'ak-other');
    assert.equal(byEnvProfile.credentials.sessionToken, 'sts');

    const byCodeProfile = resolveConfig({ profile: 'other', env: ENV, configPath });
    assert.equal(byCodeProfile.credentials.accessKeyId, 'ak-other', 'a profile named in code beats env keys');

    assert.throws(
      () => resolveConfig({ env: { BCE_PROFILE: 'missing' }, configPath }),
      /Expected profile "missing"/,
    );

    const legacyDir = freshHome();
    mkdirSync(join(legacyDir, '.bce'));
    writeFileSync(join(legacyDir, '.bce', 'credentials'), '[defaults]\nak = ak-legacy\nsk = sk-legacy\n');
    const legacy = resolveConfig({ env: {}, configPath: defaultConfigPath(legacyDir) });
    assert.equal(legacy.credentials.accessKeyId, 'ak-legacy');
    assert.equal(legacy.credentialSource, 'legacy-ini');
  });

  test('only one of the env keys is not enough', () => {
    const configPath = defaultConfigPath(freshHome());
    assert.throws(
      () => resolveConfig({ env: { BCE_ACCESS_KEY_ID: 'a' }, configPath }),
      (err: unknown) => {
        assert.ok(err instanceof BceClientError);
        assert.equal(err.kind, 'config');
        assert.match(err.message, /BCE_ACCESS_KEY_ID and BCE_SECRET_ACCESS_KEY/);
        assert.match(err.message, /peerconn configure/);
        return true;
      },
    );
  });

  test('region and endpoint: explicit > env > profile > bj', () => {
    const configPath = defaultConfigPath(freshHome());
    writeProfile('default', { ...PROFILE, endpoint: 'http://127.0.0.1:9999' }, { path: configPath });
    const keys = { BCE_ACCESS_KEY_ID: 'a', BCE_SECRET_ACCESS_KEY: 's' };
    assert.equal(
      resolveConfig({ env: keys, configPath: '/nonexistent/x.json' }).endpoint,
      'bcc.bj.baidubce.com',
    );
    assert.equal(
      resolveConfig({ env: { ...keys, BCE_REGION: 'su' }, configPath }).endpoint,
      'bcc.su.baidubce.com',
    );
    assert.equal(
      resolveConfig({ env: { ...keys, BCE_ENDPOINT: 'http://127.0.0.1:1' }, configPath }).endpoint,
      'http://127.0.0.1:1',
    );
    assert.equal(resolveConfig({ env: {}, configPath }).endpoint, 'http://127.0.0.1:9999');
    // A region passed in code picks the region, not the host: the profile's endpoint still gets the keys.
    const regionOnly = resolveConfig({ env: {}, configPath, region: 'hkg' });
    assert.equal(regionOnly.endpoint, 'http://127.0.0.1:9999');
    assert.equal(regionOnly.region, 'hkg');
    assert.equal(
      resolveConfig({ env: { BCE_REGION: 'hkg' }, configPath }).endpoint,
      'http://127.0.0.1:9999',
      'nor does BCE_REGION move them',
    );
    assert.equal(resolveConfig({ env: keys, configPath, region: 'hkg' }).endpoint, 'bcc.hkg.baidubce.com');
    assert.equal(
      resolveConfig({ env: { ...keys, BCE_ENDPOINT: 'http://e:1' }, configPath, endpoint: 'https://x' })
        .endpoint,
      'https://x',
    );
  });

  test('a profile named by the caller is explicit: its keys, region and endpoint beat the environment', () => {
    const configPath = defaultConfigPath(freshHome());
    writeProfile('current', { ...PROFILE, endpoint: 'http://127.0.0.1:7001' }, { path: configPath });
    writeProfile(
      'b',
      { ...PROFILE, accessKeyId: 'ak-b', endpoint: 'http://127.0.0.1:7002' },
      { path: configPath },
    );
    writeProfile('gz', { ...PROFILE, accessKeyId: 'ak-gz' }, { path: configPath });
    const env = { ...ENV, BCE_ENDPOINT: 'http://127.0.0.1:7000', BCE_REGION: 'su' };

    const named = resolveConfig({ profile: 'b', env, configPath });
    assert.equal(named.credentials.accessKeyId, 'ak-b');
    assert.equal(named.endpoint, 'http://127.0.0.1:7002');
    assert.equal(named.region, 'gz');

    // A named profile with a region but no endpoint goes to its region, not to BCE_ENDPOINT.
    const regional = resolveConfig({ profile: 'gz', env, configPath });
    assert.equal(regional.endpoint, 'bcc.gz.baidubce.com');

    // An endpoint passed by the caller beats the profile's; a region only renames the region.
    const regionOnly = resolveConfig({ profile: 'b', env, configPath, region: 'hkg' });
    assert.equal(regionOnly.endpoint, 'http://127.0.0.1:7002');
    assert.equal(regionOnly.region, 'hkg');
    assert.equal(
      resolveConfig({ profile: 'gz', env, configPath, region: 'hkg' }).endpoint,
      'bcc.hkg.baidubce.com',
    );
    assert.equal(
      resolveConfig({ profile: 'b', env, configPath, endpoint: 'https://x' }).endpoint,
      'https://x',
    );

    // BCE_PROFILE is part of the environment's fallback, not an explicit choice: env keys and endpoint win.
    const byEnv = resolveConfig({ env: { ...env, BCE_PROFILE: 'b' }, configPath });
    assert.equal(byEnv.credentials.accessKeyId, 'ak-env');
    assert.equal(byEnv.endpoint, 'http://127.0.0.1:7000');

    // Without env keys the BCE_PROFILE profile supplies keys, but an exported endpoint still applies.
    const fallback = resolveConfig({
      env: { BCE_PROFILE: 'b', BCE_ENDPOINT: 'http://127.0.0.1:7000' },
      configPath,
    });
    assert.equal(fallback.credentials.accessKeyId, 'ak-b');
    assert.equal(fallback.endpoint, 'http://127.0.0.1:7000');
  });

  test('a client without any credentials fails at the first call with a config error, sending nothing', async () => {
    const client = new PeerConnClient({
      env: {},
      configPath: defaultConfigPath(freshHome()),
      endpoint: 'http://127.0.0.1:9',
    });
    await assert.rejects(client.getPeerConn({ peerConnId: 'p' }), { name: 'BceClientError', kind: 'config' });
  });
});

describe('endpoints', () => {
  test('http://host:port, https://host, bare host; default ports dropped', () => {
    assert.equal(parseEndpoint('http://127.0.0.1:8080').origin, 'http://127.0.0.1:8080');
    assert.equal(parseEndpoint('https://bcc.bj.baidubce.com').origin, 'https://bcc.bj.baidubce.com');
    assert.equal(parseEndpoint('bcc.gz.baidubce.com').origin, 'https://bcc.gz.baidubce.com');
    assert.equal(parseEndpoint('localhost:8443').origin, 'https://localhost:8443');
    assert.equal(parseEndpoint('http://h:80/ignored/path').host, 'h');
    assert.equal(parseEndpoint('https://h:443').host, 'h');
    assert.throws(() => parseEndpoint('ftp://h'), { kind: 'config' });
    assert.throws(() => parseEndpoint(''), { kind: 'config' });
    assert.throws(() => new PeerConnClient({ endpoint: 'http://' }), { kind: 'config' });
  });

  test('region maps to bcc.<region>.baidubce.com on the client', () => {
    const client = new PeerConnClient({
      region: 'fwh',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      env: {},
    });
    assert.equal(client.endpoint, 'https://bcc.fwh.baidubce.com');
  });

  test('SDK_VERSION matches package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    assert.equal(SDK_VERSION, pkg.version);
  });
});
