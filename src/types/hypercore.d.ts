// Minimal types for what Tightrope's audit ledger uses of hypercore 11.37.1 (it ships none).
// Only what src/ledger calls is declared, so a use outside this list fails to compile instead of
// silently being `any`.
declare module 'hypercore' {
  import type { EventEmitter } from 'node:events'

  /** Result of the internal `core.audit()`: counts of checked and bad tree nodes, blocks, bits. */
  export interface HypercoreAuditStats {
    treeNodes: number
    blocks: number
    bits: number
    droppedTreeNodes: number
    droppedBlocks: number
    droppedBits: number
    /** A Merkle root is missing: the tree cannot be checked at all. */
    corrupt: boolean
  }

  /** The replication stream (a streamx Duplex with a Noise handshake); we only pipe and destroy. */
  export interface ReplicationStream {
    pipe<S extends ReplicationStream>(destination: S): S
    on(event: 'error', listener: (err: Error) => void): this
    destroy(err?: Error): void
  }

  export default class Hypercore<T = unknown> extends EventEmitter {
    /** Set once ready() has resolved. */
    readonly key: Buffer
    readonly length: number
    readonly fork: number
    readonly writable: boolean
    ready(): Promise<void>
    /** Resolves once the blocks are in storage (a RocksDB write batch applied, WAL not fsynced). */
    append(value: T | T[]): Promise<{ length: number; byteLength: number }>
    /** wait:false returns null for a block we do not have instead of asking peers. */
    get(index: number, opts?: { wait?: boolean }): Promise<T | null>
    treeHash(length?: number): Promise<Buffer>
    /** For a reader: fetch and verify (signature included) the newest signed length from peers. */
    update(opts?: { wait?: boolean }): Promise<boolean>
    replicate(isInitiator: boolean): ReplicationStream
    on(event: 'verification-error', listener: (err: Error) => void): this
    /**
     * The internal core (undocumented, present in 11.37.1). audit() rechecks local storage: every
     * block against its leaf hash and every tree node against its children; dryRun repairs nothing.
     */
    readonly core: { audit(opts?: { dryRun?: boolean }): Promise<HypercoreAuditStats | null> }
    close(): Promise<void>
  }
}
