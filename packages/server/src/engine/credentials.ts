// Access keys by id, cached for signature verification: a request's key is looked up in memory, not in a
// transaction. A change of accounts anywhere (this process or, on PostgreSQL, another) empties the cache at
// once, before the changing request is answered, so a removed key stops working immediately; entries are then
// filled again one lookup at a time.
import type { AccountCredential } from '../domain/types.ts';
import type { Store } from '../store/api.ts';

export interface CredentialOwner {
  accountId: string;
  credential: AccountCredential;
}

export class CredentialCache {
  private entries = new Map<string, CredentialOwner>();
  private generation = 0;

  constructor(private readonly store: Store) {}

  invalidate(): void {
    this.entries = new Map();
    this.generation++;
  }

  async find(accessKeyId: string): Promise<CredentialOwner | undefined> {
    const hit = this.entries.get(accessKeyId);
    if (hit) return hit;
    const generation = this.generation;
    const found = await this.store.read((r) => r.findCredential(accessKeyId));
    // A lookup that raced an invalidation may have read the old state: use it once, do not keep it.
    if (found && generation === this.generation) this.entries.set(accessKeyId, found);
    return found;
  }
}
