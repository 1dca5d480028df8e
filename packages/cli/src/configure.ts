// `configure`: profiles in ~/.bce/config.json (bce-cli's layout), through the SDK's profiles module.
import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import type { Profile } from '@peerconn/sdk';
import { EXIT, UsageError } from './exit.ts';
import type { GlobalOptions } from './options.ts';
import { print, report } from './run.ts';

function mask(secret: string): string {
  return secret.length <= 4 ? '****' : `****${secret.slice(-4)}`;
}

function describe(name: string, current: boolean, profile: Profile): Record<string, unknown> {
  const shown: Record<string, unknown> = {
    name,
    current,
    mode: profile.mode,
    accessKeyId: profile.accessKeyId,
    secretAccessKey: mask(profile.secretAccessKey),
  };
  if (profile.securityToken) shown.securityToken = mask(profile.securityToken);
  shown.region = profile.region ?? '';
  shown.endpoint = profile.endpoint ?? '';
  return shown;
}

/** Asks for what the flags left out; only when a person is at the keyboard. */
async function prompt(
  missing: Array<{ key: keyof Profile; label: string; current?: string; required: boolean }>,
): Promise<Partial<Record<keyof Profile, string>>> {
  const answers: Partial<Record<keyof Profile, string>> = {};
  // Readline echoes what is typed through its output; muting that stream keeps the secret off the screen.
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  try {
    for (const item of missing) {
      const secret = item.key === 'secretAccessKey';
      const hint = item.current ? ` [${secret ? mask(item.current) : item.current}]` : '';
      const question = `${item.label}${hint}: `;
      let answer: string;
      if (secret) {
        process.stderr.write(question);
        muted = true;
        try {
          answer = (await rl.question('')).trim();
        } finally {
          muted = false;
        }
        process.stderr.write('\n');
      } else {
        answer = (await rl.question(question)).trim();
      }
      if (answer !== '') answers[item.key] = answer;
      else if (item.current) answers[item.key] = item.current;
      else if (item.required) throw new UsageError(`${item.label} is required`);
    }
  } finally {
    rl.close();
  }
  return answers;
}

export async function runConfigure(globals: GlobalOptions): Promise<number> {
  try {
    const profiles = await import('@peerconn/sdk');
    const name = globals.profile ?? process.env.BCE_PROFILE ?? 'default';
    const before = profiles.readConfigFile();
    const existing = before.profiles[name];
    const values: Partial<Record<keyof Profile, string>> = {};
    if (globals.accessKeyId) values.accessKeyId = globals.accessKeyId;
    if (globals.secretAccessKey) values.secretAccessKey = globals.secretAccessKey;
    if (globals.securityToken) values.securityToken = globals.securityToken;
    if (globals.region) values.region = globals.region;
    if (globals.endpoint) values.endpoint = globals.endpoint;

    const keysGiven = values.accessKeyId !== undefined && values.secretAccessKey !== undefined;
    if (!keysGiven) {
      if (process.stdin.isTTY !== true) {
        const flag = values.accessKeyId === undefined ? '--access-key-id' : '--secret-access-key';
        throw new UsageError(
          `required option '${flag}' not specified (stdin is not a terminal, so no prompt)`,
        );
      }
      process.stderr.write(`Configuring profile "${name}" in ~/.bce/config.json\n`);
      Object.assign(
        values,
        await prompt([
          {
            key: 'accessKeyId',
            label: 'Access Key ID',
            current: values.accessKeyId ?? existing?.accessKeyId,
            required: true,
          },
          {
            key: 'secretAccessKey',
            label: 'Secret Access Key',
            current: values.secretAccessKey ?? existing?.secretAccessKey,
            required: true,
          },
          {
            key: 'region',
            label: 'Region',
            current: values.region ?? existing?.region ?? 'bj',
            required: false,
          },
          {
            key: 'endpoint',
            label: "Endpoint (empty: the region's BCE endpoint)",
            current: values.endpoint ?? existing?.endpoint,
            required: false,
          },
        ]),
      );
    }
    const profile: Profile = {
      mode: values.securityToken ? 'StsToken' : 'AK',
      accessKeyId: values.accessKeyId as string,
      secretAccessKey: values.secretAccessKey as string,
    };
    if (values.securityToken) profile.securityToken = values.securityToken;
    const region = values.region ?? existing?.region;
    const endpoint = values.endpoint ?? existing?.endpoint;
    if (region) profile.region = region;
    if (endpoint) profile.endpoint = endpoint;
    const after = profiles.writeProfile(name, profile);
    process.stderr.write(`Saved profile "${name}"\n`);
    // The first profile written becomes the current one; a user who named it with --profile would not guess.
    if (after.current === name && before.current !== name) {
      process.stderr.write(
        `"${name}" is now the current profile: commands without --profile or BCE_PROFILE use it ` +
          '(`peerconn configure use <name>` picks another)\n',
      );
    }
    return EXIT.ok;
  } catch (error) {
    return report(error, globals);
  }
}

export async function runConfigureList(globals: GlobalOptions): Promise<number> {
  try {
    const { listProfiles } = await import('@peerconn/sdk');
    await print(
      { profiles: listProfiles().map((entry) => describe(entry.name, entry.current, entry.profile)) },
      globals,
      false,
    );
    return EXIT.ok;
  } catch (error) {
    return report(error, globals);
  }
}

export async function runConfigureGet(name: string | undefined, globals: GlobalOptions): Promise<number> {
  try {
    const { readConfigFile } = await import('@peerconn/sdk');
    const file = readConfigFile();
    const wanted = name ?? globals.profile ?? process.env.BCE_PROFILE ?? file.current;
    const profile = wanted === undefined ? undefined : file.profiles[wanted];
    if (wanted === undefined || !profile) {
      const known = Object.keys(file.profiles).join(', ') || 'none';
      throw new UsageError(
        wanted === undefined
          ? `no current profile (profiles: ${known}); run peerconn configure`
          : `no profile "${wanted}" (profiles: ${known}); create it with peerconn configure --profile ${wanted}`,
      );
    }
    await print(describe(wanted, wanted === file.current, profile), globals, false);
    return EXIT.ok;
  } catch (error) {
    return report(error, globals);
  }
}

export async function runConfigureUse(name: string, globals: GlobalOptions): Promise<number> {
  try {
    const { setCurrentProfile } = await import('@peerconn/sdk');
    setCurrentProfile(name);
    process.stderr.write(`Current profile is now "${name}"\n`);
    return EXIT.ok;
  } catch (error) {
    return report(error, globals);
  }
}
