// The accounts every model-based suite runs with (an accounts file gives them to the server).
import type { Credential } from './wire.ts';

export interface TestAccount extends Credential {
  id: string;
  name: string;
}

/** Three accounts: two that peer, and a third that is a stranger to most connections. */
export const ACCOUNTS: readonly TestAccount[] = [
  { id: 'a1'.repeat(16), name: 'alice', accessKeyId: 'alice-ak', secretAccessKey: 'alice-sk' },
  { id: 'b2'.repeat(16), name: 'bob', accessKeyId: 'bob-ak', secretAccessKey: 'bob-sk' },
  { id: 'c3'.repeat(16), name: 'carol', accessKeyId: 'carol-ak', secretAccessKey: 'carol-sk' },
];

export function accountsFileJson(): string {
  return JSON.stringify({
    accounts: ACCOUNTS.map(({ id, name, accessKeyId, secretAccessKey }) => ({
      id,
      name,
      credentials: [{ accessKeyId, secretAccessKey }],
    })),
  });
}
