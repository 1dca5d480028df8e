// The stores' read cache: what readers read — records by id, list pages, list markers — remembered until the store
// learns that a commit may have changed it. SQLite forgets after each batch of its own commits (it is the file's only
// writer); PostgreSQL also forgets on every other server process's commit, announced by LISTEN/NOTIFY, and checks
// with a read barrier that no such announcement is still on its way before it serves what it remembered (see
// postgres.ts and docs/postgres.md, "Reads").
//
// Remembered values are shared by every caller: records come frozen from the document cache (sql.ts) and lists are
// frozen here, so one caller cannot change what the next one gets. The same frozen list is handed out for the same
// query until the memory is forgotten, which is what lets the engine keep the page built from it (engine/lists.ts).
import type { StoreReader } from './api.ts';
import { type Dialect, type SqlDriver, SqlReader } from './sql.ts';

const ENTRIES_REMEMBERED = 10_000;

interface Entry {
  value: unknown;
  /** performance.now() when the read that produced it began. */
  loadedAt: number;
}

/** The remembered reads of one store, and the count of times they were forgotten. */
export class ReadMemory {
  private entries = new Map<string, Entry>();
  /** Counts forgets: a read that a forget overtook before it could be remembered is used once, not kept. */
  private generation = 0;

  forget(): void {
    this.generation++;
    if (this.entries.size > 0) this.entries = new Map();
  }

  lookup(key: string): Entry | undefined {
    return this.entries.get(key);
  }

  /** Runs `load` and keeps what it returns, unless the memory was forgotten meanwhile. */
  load<T>(key: string, load: () => Promise<T>): Promise<T> {
    const generation = this.generation;
    const loadedAt = performance.now();
    return load().then((value) => {
      if (generation !== this.generation) return value;
      if (this.entries.size >= ENTRIES_REMEMBERED) this.entries.clear();
      this.entries.set(key, { value: Array.isArray(value) ? Object.freeze(value) : value, loadedAt });
      return value;
    });
  }
}

/**
 * When a remembered value may be served: `current(loadedAt)` answers at once whether it is known to be current;
 * otherwise `confirm()` resolves once everything that could make it stale has reached the memory (which is then
 * looked up again).
 */
export interface Freshness {
  current(loadedAt: number): boolean;
  confirm(): Promise<void>;
}

/** A reader that answers from the memory what it can and remembers what it had to read. */
export class CachingReader extends SqlReader implements StoreReader {
  constructor(
    db: SqlDriver,
    dialect: Dialect,
    private readonly memory: ReadMemory,
    private readonly freshness?: Freshness,
  ) {
    super(db, dialect);
  }

  private remember<T>(key: string, load: () => Promise<T>): Promise<T> {
    const entry = this.memory.lookup(key);
    if (entry === undefined) return this.memory.load(key, load);
    if (!this.freshness || this.freshness.current(entry.loadedAt)) return Promise.resolve(entry.value as T);
    return this.freshness.confirm().then(() => {
      const confirmed = this.memory.lookup(key);
      return confirmed === undefined ? this.memory.load(key, load) : (confirmed.value as T);
    });
  }

  override getPeerConn(id: string) {
    return this.remember(`peerconn\0${id}`, () => super.getPeerConn(id));
  }

  override getVpc(vpcId: string) {
    return this.remember(`vpc\0${vpcId}`, () => super.getVpc(vpcId));
  }

  override sideSeq(ifId: string) {
    return this.remember(`sideSeq\0${ifId}`, () => super.sideSeq(ifId));
  }

  override vpcSeq(vpcId: string) {
    return this.remember(`vpcSeq\0${vpcId}`, () => super.vpcSeq(vpcId));
  }

  override subnetSeq(subnetId: string) {
    return this.remember(`subnetSeq\0${subnetId}`, () => super.subnetSeq(subnetId));
  }

  override listSides(query: Parameters<SqlReader['listSides']>[0]) {
    return this.remember(`sides\0${JSON.stringify(query)}`, () => super.listSides(query));
  }

  override listVpcs(query: Parameters<SqlReader['listVpcs']>[0]) {
    return this.remember(`vpcs\0${JSON.stringify(query)}`, () => super.listVpcs(query));
  }

  override listSubnets(query: Parameters<SqlReader['listSubnets']>[0]) {
    return this.remember(`subnets\0${JSON.stringify(query)}`, () => super.listSubnets(query));
  }

  override getPeerConnByInterface(ifId: string) {
    return this.remember(`peerconnByIf\0${ifId}`, () => super.getPeerConnByInterface(ifId));
  }

  override getSubnet(subnetId: string) {
    return this.remember(`subnet\0${subnetId}`, () => super.getSubnet(subnetId));
  }

  override subnetsOfVpc(vpcId: string) {
    return this.remember(`subnetsOf\0${vpcId}`, () => super.subnetsOfVpc(vpcId));
  }

  override getRouteTable(routeTableId: string) {
    return this.remember(`table\0${routeTableId}`, () => super.getRouteTable(routeTableId));
  }

  override routeTableOfVpc(vpcId: string) {
    return this.remember(`tableOf\0${vpcId}`, () => super.routeTableOfVpc(vpcId));
  }

  override getRouteRule(routeRuleId: string) {
    return this.remember(`rule\0${routeRuleId}`, () => super.getRouteRule(routeRuleId));
  }

  override rulesOfTable(routeTableId: string) {
    return this.remember(`rulesOf\0${routeTableId}`, () => super.rulesOfTable(routeTableId));
  }
}
