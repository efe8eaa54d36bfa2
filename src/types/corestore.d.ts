// Minimal types for what Tightrope's audit ledger uses of corestore 7.12.5 (it ships none).
declare module 'corestore' {
  import type Hypercore from 'hypercore'

  export interface CorestoreOptions {
    /** Opens RocksDB read-only and takes no lock: a snapshot as of open, usable beside a writer. */
    readOnly?: boolean
  }

  export interface GetOptions {
    /** A named core: its key pair derives from the store's primary key and the name. */
    name?: string
    /** A core by public key (a reader of someone else's core). */
    key?: Buffer
    valueEncoding?: 'json' | 'utf-8' | 'binary'
  }

  export default class Corestore {
    constructor(storage: string, opts?: CorestoreOptions)
    /** The default namespace (internal field, needed to look a name up without creating it). */
    readonly ns: Buffer
    /**
     * hypercore-storage (internal). getAlias resolves a core name to its discovery key, or null when
     * no such core was ever created; store.get() on a read-only store would otherwise try to create it.
     */
    readonly storage: { getAlias(alias: { name: string; namespace: Buffer }): Promise<Buffer | null> }
    get<T = unknown>(opts: GetOptions): Hypercore<T>
    ready(): Promise<void>
    close(): Promise<void>
  }
}
