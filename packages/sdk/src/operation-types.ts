// The operation table's rows as typed methods: one signature per operation, the types derived from them, and
// compile-time checks that the signatures and the table agree (a disagreement fails the type-check, naming the
// operation). The methods themselves are installed on the clients from the table (client.ts).
import type { MutatingCallOptions, OperationShapes } from './models.ts';
import type { OPERATIONS, OperationName, ServiceName } from './operations.ts';

/** The method an operation's shape (models.ts, OperationShapes) gives a client. */
type MethodOf<S> = S extends { input: infer I; output: infer O; optionalInput: true }
  ? (input?: I) => Promise<O>
  : S extends { input: infer I; output: infer O }
    ? (input: I) => Promise<O>
    : never;

/**
 * Every operation of the table as a typed method, derived from OperationShapes (models.ts). The methods are
 * not written out: each client class gets one per row of its service (installOperations in client.ts), and
 * its type picks the same rows (PeerConnOperations, VpcOperations, …).
 */
export type OperationMethods = { [N in keyof OperationShapes]: MethodOf<OperationShapes[N]> };

type Row<N extends OperationName> = (typeof OPERATIONS)[N];
/** The names of the table's operations of one service. */
export type OperationsOf<S extends ServiceName> = {
  [N in OperationName]: Row<N>['service'] extends S ? N : never;
}[OperationName];
/** PeerConnClient's methods: the rows of service `peerconn`. */
export type PeerConnOperations = Pick<OperationMethods, OperationsOf<'peerconn'>>;
/** VpcClient's methods: the rows of service `vpc`. */
export type VpcOperations = Pick<OperationMethods, OperationsOf<'vpc'>>;
/** SubnetClient's methods: the rows of service `subnet`. */
export type SubnetOperations = Pick<OperationMethods, OperationsOf<'subnet'>>;
/** RouteClient's methods: the rows of service `route`. */
export type RouteOperations = Pick<OperationMethods, OperationsOf<'route'>>;
/** AclClient's methods: the rows of service `acl`. */
export type AclOperations = Pick<OperationMethods, OperationsOf<'acl'>>;
/** SecurityGroupClient's methods: the rows of service `securityGroup`. */
export type SecurityGroupOperations = Pick<OperationMethods, OperationsOf<'securityGroup'>>;
/** EniClient's methods: the rows of service `eni`. */
export type EniOperations = Pick<OperationMethods, OperationsOf<'eni'>>;

export type OperationInput<N extends OperationName> = Exclude<Parameters<OperationMethods[N]>[0], undefined>;
export type OperationOutput<N extends OperationName> = Awaited<ReturnType<OperationMethods[N]>>;

/** Input and output types of every operation, keyed by the table's names. */
export type OperationTypes = {
  [N in OperationName]: { input: OperationInput<N>; output: OperationOutput<N> };
};

// Compile-time checks that the method signatures above agree with the operation table: one method per row,
// and each input's wire fields exactly the row's path, query and body fields, with a clientToken exactly when
// the row is mutating. A disagreement fails the type-check and names the operation.
type PathFields<P extends string> = P extends `${string}{${infer F}}${infer Rest}`
  ? F | PathFields<Rest>
  : never;
type TableFields<N extends OperationName> =
  | PathFields<Row<N>['path']>
  | Row<N>['query'][number]
  | Row<N>['body'][number];
type WireFields<N extends OperationName> = Exclude<keyof OperationInput<N>, keyof MutatingCallOptions>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Disagreeing<Check extends Record<OperationName, boolean>> = {
  [N in OperationName]: Check[N] extends true ? never : N;
}[OperationName];
type ExpectNone<T extends never> = T;
// biome-ignore lint/correctness/noUnusedVariables: it exists to be evaluated by the type-checker
type OperationTableChecks = [
  ExpectNone<Exclude<OperationName, keyof OperationMethods>>,
  ExpectNone<Exclude<keyof OperationMethods, OperationName>>,
  ExpectNone<Disagreeing<{ [N in OperationName]: Same<WireFields<N>, TableFields<N>> }>>,
  ExpectNone<
    Disagreeing<{
      [N in OperationName]: Same<
        'clientToken' extends keyof OperationInput<N> ? true : false,
        Row<N>['mutating']
      >;
    }>
  >,
];
