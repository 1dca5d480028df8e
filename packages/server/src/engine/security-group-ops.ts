// The security group operations.

import { ServiceError } from '../errors.ts';
import type { RequestFields, WireOutput } from './api.ts';
import type { ReadContext, RequestContext } from './outcomes.ts';

// PENDING: replaced by the real handlers before this lands.
function pending(name: string): ServiceError {
  return new ServiceError('NotFound', `Operation ${name} is not implemented yet.`);
}

export async function createSecurityGroup(
  _ctx: RequestContext,
  _fields: RequestFields<'createSecurityGroup'>,
): Promise<WireOutput<'createSecurityGroup'>> {
  throw pending('createSecurityGroup');
}

export async function listSecurityGroups(
  _ctx: ReadContext,
  _fields: RequestFields<'listSecurityGroups'>,
): Promise<WireOutput<'listSecurityGroups'>> {
  throw pending('listSecurityGroups');
}

export async function getSecurityGroup(
  _ctx: ReadContext,
  _fields: RequestFields<'getSecurityGroup'>,
): Promise<WireOutput<'getSecurityGroup'>> {
  throw pending('getSecurityGroup');
}

export async function authorizeSecurityGroupRule(
  _ctx: RequestContext,
  _fields: RequestFields<'authorizeSecurityGroupRule'>,
): Promise<WireOutput<'authorizeSecurityGroupRule'>> {
  throw pending('authorizeSecurityGroupRule');
}

export async function revokeSecurityGroupRule(
  _ctx: RequestContext,
  _fields: RequestFields<'revokeSecurityGroupRule'>,
): Promise<WireOutput<'revokeSecurityGroupRule'>> {
  throw pending('revokeSecurityGroupRule');
}

export async function updateSecurityGroupRule(
  _ctx: RequestContext,
  _fields: RequestFields<'updateSecurityGroupRule'>,
): Promise<WireOutput<'updateSecurityGroupRule'>> {
  throw pending('updateSecurityGroupRule');
}

export async function deleteSecurityGroupRule(
  _ctx: RequestContext,
  _fields: RequestFields<'deleteSecurityGroupRule'>,
): Promise<WireOutput<'deleteSecurityGroupRule'>> {
  throw pending('deleteSecurityGroupRule');
}

export async function deleteSecurityGroup(
  _ctx: RequestContext,
  _fields: RequestFields<'deleteSecurityGroup'>,
): Promise<WireOutput<'deleteSecurityGroup'>> {
  throw pending('deleteSecurityGroup');
}
