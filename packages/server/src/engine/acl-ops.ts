// The subnet ACL operations.

import { ServiceError } from '../errors.ts';
import type { RequestFields, WireOutput } from './api.ts';
import type { ReadContext, RequestContext } from './outcomes.ts';

// PENDING: replaced by the real handlers before this lands.
function pending(name: string): ServiceError {
  return new ServiceError('NotFound', `Operation ${name} is not implemented yet.`);
}

export async function listAclEntrys(
  _ctx: ReadContext,
  _fields: RequestFields<'listAclEntrys'>,
): Promise<WireOutput<'listAclEntrys'>> {
  throw pending('listAclEntrys');
}

export async function createAclRules(
  _ctx: RequestContext,
  _fields: RequestFields<'createAclRules'>,
): Promise<WireOutput<'createAclRules'>> {
  throw pending('createAclRules');
}

export async function listAclRules(
  _ctx: ReadContext,
  _fields: RequestFields<'listAclRules'>,
): Promise<WireOutput<'listAclRules'>> {
  throw pending('listAclRules');
}

export async function updateAclRule(
  _ctx: RequestContext,
  _fields: RequestFields<'updateAclRule'>,
): Promise<WireOutput<'updateAclRule'>> {
  throw pending('updateAclRule');
}

export async function deleteAclRule(
  _ctx: RequestContext,
  _fields: RequestFields<'deleteAclRule'>,
): Promise<WireOutput<'deleteAclRule'>> {
  throw pending('deleteAclRule');
}
