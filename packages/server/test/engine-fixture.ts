// Shared setup for the engine tests: a real engine on a real SQLite file in a temp dir, with the real-time
// source pinned so only setClock moves time.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Caller, Engine, EngineConfig, TransitionName, TransitionTiming } from '../src/engine/api.ts';
import { createEngine, defaultEngineConfig } from '../src/engine/index.ts';
import { ServiceError } from '../src/errors.ts';

export const REAL_NOW = Date.parse('2026-01-15T08:00:00Z');

export interface Fixture {
  engine: Engine;
  path: string;
  dir: string;
  reopen(extra?: Partial<EngineConfig>): Promise<Engine>;
  cleanup(): Promise<void>;
}

export function allTiming(rule: TransitionTiming): Record<TransitionName, TransitionTiming> {
  return { create: rule, accept: rule, update: rule, delete: rule, dnsOpen: rule, dnsClose: rule };
}

export async function openFixture(extra: Partial<EngineConfig> = {}): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'peerconn-engine-'));
  const path = join(dir, 'test.db');
  const config = {
    ...defaultEngineConfig(),
    dataPath: path,
    timing: allTiming({ mode: 'immediate' }),
    ...extra,
  };
  const fixture: Fixture = {
    engine: await createEngine({ ...config, now: () => REAL_NOW }),
    path,
    dir,
    async reopen(more = {}) {
      await fixture.engine.close();
      fixture.engine = await createEngine({ ...config, ...more, now: () => REAL_NOW });
      return fixture.engine;
    },
    async cleanup() {
      await fixture.engine.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return fixture;
}

export function caller(accountId: string, region = 'bj'): Caller {
  return { accountId, region, requestId: 'test-request' };
}

let cidrCounter = 0;

export async function makeVpc(engine: Engine, who: Caller, name = 'vpc'): Promise<string> {
  cidrCounter = (cidrCounter + 1) % 250;
  const out = (await engine.execute('createVpc', who, { name, cidr: `10.${cidrCounter}.0.0/16` })) as {
    vpcId: string;
  };
  return out.vpcId;
}

export async function makeAccount(engine: Engine, name: string): Promise<string> {
  return (await engine.createAccount({ name })).id;
}

export async function rejectsWith(promise: Promise<unknown>, code: string): Promise<ServiceError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ServiceError, `expected ServiceError ${code}, got ${String(error)}`);
    assert.equal(error.code, code, `expected ${code}, got ${error.code}: ${error.message}`);
    return error;
  }
  assert.fail(`expected ${code}, but the call succeeded`);
}

export interface PeerConnView {
  peerConnId: string;
  role: string;
  status: string;
  dnsStatus: string;
  localIfId: string;
  localIfName: string;
  localVpcId: string;
  peerVpcId: string;
  peerAccountId: string;
  peerRegion: string;
  localRegion: string;
  bandwidthInMbps: number;
  expiredTime: string;
  createdTime: string;
  description: string;
  deleteProtect: boolean;
  tags: unknown[];
  paymentTiming: string;
}

export async function getPc(
  engine: Engine,
  who: Caller,
  peerConnId: string,
  role?: string,
): Promise<PeerConnView> {
  return (await engine.execute(
    'getPeerConn',
    who,
    role ? { peerConnId, role } : { peerConnId },
  )) as PeerConnView;
}

export function postpaid(
  localVpcId: string,
  peerVpcId: string,
  peerRegion = 'bj',
  more: Record<string, unknown> = {},
) {
  return {
    localVpcId,
    peerVpcId,
    peerRegion,
    bandwidthInMbps: 10,
    billing: { paymentTiming: 'Postpaid' },
    ...more,
  };
}

export function prepaid(
  localVpcId: string,
  peerVpcId: string,
  peerRegion: string,
  months = 1,
  more: Record<string, unknown> = {},
) {
  return {
    localVpcId,
    peerVpcId,
    peerRegion,
    bandwidthInMbps: 10,
    billing: {
      paymentTiming: 'Prepaid',
      reservation: { reservationLength: months, reservationTimeUnit: 'month' },
    },
    ...more,
  };
}

export async function createPc(engine: Engine, who: Caller, input: Record<string, unknown>): Promise<string> {
  return ((await engine.execute('createPeerConn', who, input)) as { peerConnId: string }).peerConnId;
}
