// The network interface operations.

import { ServiceError } from '../errors.ts';
import type { RequestFields, WireOutput } from './api.ts';
import type { ReadContext, RequestContext } from './outcomes.ts';

// PENDING: replaced by the real handlers before this lands.
function pending(name: string): ServiceError {
  return new ServiceError('NotFound', `Operation ${name} is not implemented yet.`);
}

export async function createEni(
  _ctx: RequestContext,
  _fields: RequestFields<'createEni'>,
): Promise<WireOutput<'createEni'>> {
  throw pending('createEni');
}

export async function listEnis(
  _ctx: ReadContext,
  _fields: RequestFields<'listEnis'>,
): Promise<WireOutput<'listEnis'>> {
  throw pending('listEnis');
}

export async function getEniQuota(
  _ctx: ReadContext,
  _fields: RequestFields<'getEniQuota'>,
): Promise<WireOutput<'getEniQuota'>> {
  throw pending('getEniQuota');
}

export async function getEni(
  _ctx: ReadContext,
  _fields: RequestFields<'getEni'>,
): Promise<WireOutput<'getEni'>> {
  throw pending('getEni');
}

export async function getEniStatus(
  _ctx: ReadContext,
  _fields: RequestFields<'getEniStatus'>,
): Promise<WireOutput<'getEniStatus'>> {
  throw pending('getEniStatus');
}

export async function updateEni(
  _ctx: RequestContext,
  _fields: RequestFields<'updateEni'>,
): Promise<WireOutput<'updateEni'>> {
  throw pending('updateEni');
}

export async function updateEniSecurityGroups(
  _ctx: RequestContext,
  _fields: RequestFields<'updateEniSecurityGroups'>,
): Promise<WireOutput<'updateEniSecurityGroups'>> {
  throw pending('updateEniSecurityGroups');
}

export async function attachEni(
  _ctx: RequestContext,
  _fields: RequestFields<'attachEni'>,
): Promise<WireOutput<'attachEni'>> {
  throw pending('attachEni');
}

export async function detachEni(
  _ctx: RequestContext,
  _fields: RequestFields<'detachEni'>,
): Promise<WireOutput<'detachEni'>> {
  throw pending('detachEni');
}

export async function deleteEni(
  _ctx: RequestContext,
  _fields: RequestFields<'deleteEni'>,
): Promise<WireOutput<'deleteEni'>> {
  throw pending('deleteEni');
}

export async function addEniPrivateIp(
  _ctx: RequestContext,
  _fields: RequestFields<'addEniPrivateIp'>,
): Promise<WireOutput<'addEniPrivateIp'>> {
  throw pending('addEniPrivateIp');
}

export async function deleteEniPrivateIp(
  _ctx: RequestContext,
  _fields: RequestFields<'deleteEniPrivateIp'>,
): Promise<WireOutput<'deleteEniPrivateIp'>> {
  throw pending('deleteEniPrivateIp');
}

export async function batchAddEniPrivateIps(
  _ctx: RequestContext,
  _fields: RequestFields<'batchAddEniPrivateIps'>,
): Promise<WireOutput<'batchAddEniPrivateIps'>> {
  throw pending('batchAddEniPrivateIps');
}

export async function batchDeleteEniPrivateIps(
  _ctx: RequestContext,
  _fields: RequestFields<'batchDeleteEniPrivateIps'>,
): Promise<WireOutput<'batchDeleteEniPrivateIps'>> {
  throw pending('batchDeleteEniPrivateIps');
}
