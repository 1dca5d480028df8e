// Admin accounts and fault rules as a user meets them: names are unique, an account can be deleted once it owns
// nothing (and not before), an accounts file cannot name an account twice, and a fault rule for an operation
// that does not exist is refused instead of never firing.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadAccountsFile, UsageError } from '../src/config.ts';
import {
  type AdminAnswer,
  adminCall,
  createVpc,
  errorOf,
  signed,
  startTestServer,
  type TestServer,
} from './http-support.ts';
import { runsOnEveryStore } from './store-choice.ts';

runsOnEveryStore(import.meta.url);

function admin(server: { adminUrl: string }, method: string, path: string, body?: unknown) {
  return adminCall(server.adminUrl, method, path, body);
}

const codeOf = (answer: AdminAnswer) => (answer.json as { code?: string } | undefined)?.code;
const messageOf = (answer: AdminAnswer) => (answer.json as { message?: string } | undefined)?.message ?? '';

interface Account {
  id: string;
  name: string;
  credentials: Array<{ accessKeyId: string; secretAccessKey: string }>;
}

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.close();
});

const accountNames = async () =>
  ((await admin(server, 'GET', '/accounts')).json as { accounts: Account[] }).accounts.map((a) => a.name);

describe('account names are unique', () => {
  test('creating a second account with a taken name is refused, naming the holder; nothing is created', async () => {
    const first = (await admin(server, 'POST', '/accounts', { name: 'team-unique' })).json as Account;
    const again = await admin(server, 'POST', '/accounts', { name: 'team-unique' });
    assert.equal(again.status, 400);
    assert.equal(codeOf(again), 'InappropriateJSON');
    assert.match(messageOf(again), new RegExp(`account ${first.id} is already named "team-unique"`));
    assert.equal((await accountNames()).filter((n) => n === 'team-unique').length, 1);
  });

  test('a demo account name is taken too', async () => {
    const clash = await admin(server, 'POST', '/accounts', { name: 'demo-a' });
    assert.equal(codeOf(clash), 'InappropriateJSON');
    assert.match(messageOf(clash), /"name"/);
  });

  test('an accounts file that names an account twice, or repeats an id, is a usage error', () => {
    const file = join(server.dir, 'accounts.json');
    const account = (id: string, name: string) => ({ id, name, credentials: [] });
    writeFileSync(
      file,
      JSON.stringify({ accounts: [account('1'.repeat(32), 'x'), account('2'.repeat(32), 'x')] }),
    );
    assert.throws(
      () => loadAccountsFile(file),
      (e: unknown) => e instanceof UsageError && /accounts\.1\.name repeats "x"/.test(e.message),
    );
    writeFileSync(
      file,
      JSON.stringify({ accounts: [account('1'.repeat(32), 'x'), account('1'.repeat(32), 'y')] }),
    );
    assert.throws(
      () => loadAccountsFile(file),
      (e: unknown) => e instanceof UsageError && /accounts\.1\.id repeats/.test(e.message),
    );
  });
});

describe('deleting an account', () => {
  test('refused with AccountInUse while it owns a VPC; once it owns nothing it goes, and so do its keys', async () => {
    const account = (await admin(server, 'POST', '/accounts', { name: 'team-leaving' })).json as Account;
    const key = account.credentials[0];
    assert.ok(key);
    const vpcId = await createVpc(server, key, '10.77.0.0/16');

    const busy = await admin(server, 'DELETE', `/accounts/${account.id}`);
    assert.equal(busy.status, 409);
    assert.equal(codeOf(busy), 'AccountInUse');
    assert.match(messageOf(busy), /1 VPC/);
    assert.ok((await accountNames()).includes('team-leaving'), 'still there');

    const deleted = await signed({
      port: server.port,
      method: 'DELETE',
      target: `/v1/vpc/${vpcId}`,
      credential: key,
    });
    assert.equal(deleted.status, 200, deleted.text);
    const gone = await admin(server, 'DELETE', `/accounts/${account.id}`);
    assert.equal(gone.status, 204);
    assert.ok(!(await accountNames()).includes('team-leaving'));
    const denied = await signed({ port: server.port, method: 'GET', target: '/v1/vpc', credential: key });
    assert.equal(errorOf(denied).code, 'InvalidAccessKeyId', 'its keys stop working at once');

    const twice = await admin(server, 'DELETE', `/accounts/${account.id}`);
    assert.equal(twice.status, 404);
    assert.equal(codeOf(twice), 'NoSuchObject');
    const reused = await admin(server, 'POST', '/accounts', { name: 'team-leaving' });
    assert.equal(reused.status, 200, 'the name is free again');
  });
});

describe('fault rules', () => {
  test('a rule for an operation that does not exist is refused, listing the known ones', async () => {
    const answer = await admin(server, 'POST', '/faults', { operation: 'getPeerconn', status: 503 });
    assert.equal(answer.status, 400);
    assert.equal(codeOf(answer), 'InappropriateJSON');
    assert.match(messageOf(answer), /operation/);
    assert.match(messageOf(answer), /getPeerConn/, 'the message lists the real names');
    const rules = (await admin(server, 'GET', '/faults')).json as { faults: unknown[] };
    assert.deepEqual(rules.faults, []);
  });
});
