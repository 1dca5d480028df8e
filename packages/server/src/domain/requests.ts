// What each request carries once parsed at the edge: the wire fields of the SDK's input types (the one
// definition of every operation's fields, next to the operation table), without the SDK's call options.
import type {
  CreatePeerConnInput,
  CreateRouteRuleInput,
  CreateSubnetInput,
  CreateVpcInput,
  GetPeerConnInput,
  GetRouteTableInput,
  GetSubnetInput,
  GetVpcInput,
  ListPeerConnsInput,
  ListRouteRulesInput,
  ListSubnetsInput,
  ListVpcsInput,
  MutatingCallOptions,
  PeerConnDnsSyncInput,
  PeerConnIdInput,
  RenewPeerConnInput,
  ResizePeerConnInput,
  RouteRuleIdInput,
  SubnetIdInput,
  UpdatePeerConnDeleteProtectInput,
  UpdatePeerConnInput,
  UpdateRouteRuleInput,
  UpdateSubnetInput,
  UpdateVpcInput,
  VpcIdInput,
} from '@peerconn/sdk';

/** The wire fields of an SDK input type. */
export type Fields<T> = Omit<T, keyof MutatingCallOptions>;

export type CreatePeerConnFields = Fields<CreatePeerConnInput>;
export type ListPeerConnsFields = Fields<ListPeerConnsInput>;
export type GetPeerConnFields = Fields<GetPeerConnInput>;
export type UpdatePeerConnFields = Fields<UpdatePeerConnInput>;
export type PeerConnIdFields = Fields<PeerConnIdInput>;
export type ResizePeerConnFields = Fields<ResizePeerConnInput>;
export type RenewPeerConnFields = Fields<RenewPeerConnInput>;
export type PeerConnDnsSyncFields = Fields<PeerConnDnsSyncInput>;
export type UpdatePeerConnDeleteProtectFields = Fields<UpdatePeerConnDeleteProtectInput>;
export type CreateVpcFields = Fields<CreateVpcInput>;
export type ListVpcsFields = Fields<ListVpcsInput>;
export type GetVpcFields = Fields<GetVpcInput>;
export type UpdateVpcFields = Fields<UpdateVpcInput>;
export type VpcIdFields = Fields<VpcIdInput>;
export type CreateSubnetFields = Fields<CreateSubnetInput>;
export type ListSubnetsFields = Fields<ListSubnetsInput>;
export type GetSubnetFields = Fields<GetSubnetInput>;
export type UpdateSubnetFields = Fields<UpdateSubnetInput>;
export type SubnetIdFields = Fields<SubnetIdInput>;
export type GetRouteTableFields = Fields<GetRouteTableInput>;
export type CreateRouteRuleFields = Fields<CreateRouteRuleInput>;
export type ListRouteRulesFields = Fields<ListRouteRulesInput>;
export type UpdateRouteRuleFields = Fields<UpdateRouteRuleInput>;
export type RouteRuleIdFields = Fields<RouteRuleIdInput>;
