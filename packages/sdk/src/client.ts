// The clients: configuration, credentials and endpoint resolved once, and every call (a typed method, `call` by
// operation name, or a raw `request`) prepared by requests.ts and run by the one pipeline of pipeline.ts.
import { type Clock, systemClock } from './clock.ts';
import { type Credentials, type ResolvedConfig, resolveConfig } from './credentials.ts';
import { parseEndpoint } from './endpoint.ts';
import { BceClientError } from './errors.ts';
import type {
  AclOperations,
  EniOperations,
  OperationInput,
  OperationOutput,
  PeerConnOperations,
  RouteOperations,
  SecurityGroupOperations,
  SubnetOperations,
  VpcOperations,
} from './operation-types.ts';
import {
  OPERATION_LIST,
  OPERATIONS,
  type OperationName,
  type OperationSpec,
  type ServiceName,
} from './operations.ts';
import { type PipelineSettings, runCall } from './pipeline.ts';
import {
  operationParser,
  prepareOperation,
  prepareRawRequest,
  type RequestInput,
  type RequestOutput,
  rawParser,
} from './requests.ts';
import { RETRY_DEFAULTS, type RetryOptions, StandardRetryStrategy } from './retry.ts';
import type { DebugEvent } from './transport.ts';
import { SDK_VERSION } from './version.ts';

export interface ClientConfig {
  /** `http://host:port`, `https://host` or a bare host (https). */
  endpoint?: string;
  credentials?: Credentials;
  /** Maps to `bcc.<region>.baidubce.com` when no endpoint is configured (here, in the environment or the profile). */
  region?: string;
  /** Profile name in `~/.bce/config.json`. */
  profile?: string;
  /** Retries after the first attempt; default 3. */
  maxRetries?: number;
  /** Per-attempt timeout; default 30000 ms. */
  timeoutMs?: number;
  /** Deadline for a whole call, retries and their sleeps included; none by default. */
  callTimeoutMs?: number;
  retry?: RetryOptions;
  onDebug?: (event: DebugEvent) => void;
  userAgentSuffix?: string;
  /** Environment to read instead of process.env (tests, embedding). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Profile file instead of `~/.bce/config.json`. */
  configPath?: string;
  /** Signature validity; default 1800 s. */
  expirationSeconds?: number;
  /** What retry sleeps and `callTimeoutMs` wait on; real time by default (tests pass a virtual clock). */
  clock?: Clock;
}

const DEFAULT_TIMEOUT_MS = 30_000;

function userAgent(suffix?: string): string {
  const base = `peerconn-sdk/${SDK_VERSION} node/${process.version} ${process.platform}/${process.arch}`;
  return suffix ? `${base} ${suffix}` : base;
}

type InputRecord = Record<string, unknown>;

/** What every call takes besides its fields: its signal and its deadline (its own, else the client's). */
function controlOf(input: InputRecord, clientCallTimeoutMs: number | undefined) {
  return {
    abortSignal: input.abortSignal instanceof AbortSignal ? input.abortSignal : undefined,
    callTimeoutMs: typeof input.callTimeoutMs === 'number' ? input.callTimeoutMs : clientCallTimeoutMs,
  };
}

/** Shared machinery of the service clients; `call` reaches every operation of the table, `request` any path. */
export class BceClient {
  readonly config: Readonly<ClientConfig>;
  readonly maxRetries: number;
  readonly timeoutMs: number;
  private readonly retryStrategy: StandardRetryStrategy;
  private readonly pipeline: PipelineSettings;
  private resolved: ResolvedConfig | undefined;
  private baseUrl: URL | undefined;

  constructor(config: ClientConfig = {}) {
    this.config = { ...config };
    this.retryStrategy = new StandardRetryStrategy(
      config.maxRetries ?? RETRY_DEFAULTS.maxRetries,
      config.retry ?? {},
    );
    this.maxRetries = this.retryStrategy.maxRetries;
    this.timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.pipeline = {
      retryStrategy: this.retryStrategy,
      userAgent: userAgent(config.userAgentSuffix),
      expirationSeconds: config.expirationSeconds,
      onDebug: config.onDebug,
      clock: config.clock ?? systemClock,
    };
    // An explicit endpoint is validated now so a typo fails at construction, not at the first call.
    if (config.endpoint !== undefined) this.baseUrl = parseEndpoint(config.endpoint);
  }

  /** Credentials, region and endpoint, resolved on first use (explicit > env > profile). */
  resolveConfig(): ResolvedConfig {
    if (!this.resolved) {
      const input: Parameters<typeof resolveConfig>[0] = {};
      if (this.config.credentials) input.credentials = this.config.credentials;
      if (this.config.region !== undefined) input.region = this.config.region;
      if (this.config.endpoint !== undefined) input.endpoint = this.config.endpoint;
      if (this.config.profile !== undefined) input.profile = this.config.profile;
      if (this.config.env) input.env = this.config.env;
      if (this.config.configPath !== undefined) input.configPath = this.config.configPath;
      this.resolved = resolveConfig(input);
      this.baseUrl ??= parseEndpoint(this.resolved.endpoint);
    }
    return this.resolved;
  }

  get endpoint(): string {
    return this.base().origin;
  }

  /** Tokens left in this client's retry budget. */
  get retryBudgetAvailable(): number {
    return this.retryStrategy.budget.available;
  }

  /** The endpoint as a URL; an explicit one needs no credentials, any other is resolved with them. */
  private base(): URL {
    if (!this.baseUrl) this.resolveConfig();
    return this.baseUrl as URL;
  }

  /** Any operation of the table by name, exactly as its typed method. */
  async call<N extends OperationName>(name: N, input: OperationInput<N>): Promise<OperationOutput<N>> {
    const spec: OperationSpec | undefined = Object.hasOwn(OPERATIONS, name) ? OPERATIONS[name] : undefined;
    if (!spec) {
      throw new BceClientError(
        'config',
        `Expected an operation name such as ${Object.keys(OPERATIONS).slice(0, 3).join(', ')}, got ${JSON.stringify(name)}`,
      );
    }
    const fields = (input ?? {}) as unknown as InputRecord;
    const { credentials } = this.resolveConfig();
    const prepared = prepareOperation(spec, fields, this.base(), credentials, this.timeoutMs);
    const output = await runCall(
      this.pipeline,
      prepared,
      operationParser(spec),
      controlOf(fields, this.config.callTimeoutMs),
    );
    return output as unknown as OperationOutput<N>;
  }

  /**
   * A request the operation table does not describe (another path, a server extension), sent to this client's
   * endpoint through the same signing, retries, deadline, debug events and error parsing as every operation.
   * A non-2xx answer throws a BceServiceError; a 2xx resolves to its status, headers and JSON body.
   */
  async request(input: RequestInput): Promise<RequestOutput> {
    const signed = input.signed !== false;
    const credentials = signed ? this.resolveConfig().credentials : undefined;
    const prepared = prepareRawRequest(input, this.base(), credentials, this.timeoutMs);
    return runCall(
      this.pipeline,
      prepared,
      rawParser(input),
      controlOf(input as unknown as InputRecord, this.config.callTimeoutMs),
    );
  }
}

/** Gives a client class one method per operation of its service, each a typed `call` of that row. */
function installOperations(client: typeof BceClient, service: ServiceName): void {
  for (const spec of OPERATION_LIST) {
    if (spec.service !== service) continue;
    const name = spec.name as OperationName;
    const method = {
      [name](this: BceClient, input?: OperationInput<OperationName>) {
        return this.call(name, input ?? {});
      },
    }[name];
    Object.defineProperty(client.prototype, name, { value: method, writable: true, configurable: true });
  }
}

// The class declares no methods and the interface of the same name adds their types: the methods are
// installed from the operation table, and the checks of operation-types.ts keep the types and the table in step.
/** The peering operations of the table, one method each (see PeerConnOperations). */
export interface PeerConnClient extends PeerConnOperations {}
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the merged methods exist, installed from the table
export class PeerConnClient extends BceClient {}
installOperations(PeerConnClient, 'peerconn');

/** The VPC operations the peering rules depend on (see VpcOperations). */
export interface VpcClient extends VpcOperations {}
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the merged methods exist, installed from the table
export class VpcClient extends BceClient {}
installOperations(VpcClient, 'vpc');

/** Subnets of VPCs: create, list, get, rename, delete (see SubnetOperations). */
export interface SubnetClient extends SubnetOperations {}
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the merged methods exist, installed from the table
export class SubnetClient extends BceClient {}
installOperations(SubnetClient, 'subnet');

/** A VPC's route table and its rules, peering next hops included (see RouteOperations). */
export interface RouteClient extends RouteOperations {}
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the merged methods exist, installed from the table
export class RouteClient extends BceClient {}
installOperations(RouteClient, 'route');

/** The ACLs of a VPC's subnets: stateless rules per subnet and direction (see AclOperations). */
export interface AclClient extends AclOperations {}
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the merged methods exist, installed from the table
export class AclClient extends BceClient {}
installOperations(AclClient, 'acl');

/** Security groups and their rules: stateful, per VPC (see SecurityGroupOperations). */
export interface SecurityGroupClient extends SecurityGroupOperations {}
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the merged methods exist, installed from the table
export class SecurityGroupClient extends BceClient {}
installOperations(SecurityGroupClient, 'securityGroup');

/** Elastic network interfaces: addresses in a subnet with security groups (see EniOperations). */
export interface EniClient extends EniOperations {}
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the merged methods exist, installed from the table
export class EniClient extends BceClient {}
installOperations(EniClient, 'eni');

/** The client class of each service of the operation table, for tools that pick one by a row's service. */
export const CLIENT_CLASSES: Readonly<Record<ServiceName, typeof BceClient>> = {
  peerconn: PeerConnClient,
  vpc: VpcClient,
  subnet: SubnetClient,
  route: RouteClient,
  acl: AclClient,
  securityGroup: SecurityGroupClient,
  eni: EniClient,
};
