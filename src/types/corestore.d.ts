// Minimal types for what Tightrope uses of corestore 7 and hypercore 11 (they ship none).
declare module 'hypercore' {
  import type { EventEmitter } from 'node:events'
  export default class Hypercore<T = unknown> extends EventEmitter {
    readonly length: number
    readonly key: Buffer | null
    readonly writable: boolean
    ready (): Promise<void>
    append (value: T | T[]): Promise<{ length: number; byteLength: number }>
    get (index: number, opts?: { wait?: boolean }): Promise<T | null>
    treeHash (length?: number): Promise<Buffer>
    /** Internal core; audit() rechecks the Merkle tree and blocks in local storage. */
    readonly core: { audit (opts?: { dryRun?: boolean }): Promise<{ treeNodes: number; blocks: number; droppedTreeNodes: number; droppedBlocks: number; droppedBits: number; corrupt: boolean } | null> }
    close (): Promise<void>
  }
}

declare module 'corestore' {
  import type Hypercore from 'hypercore'
  export default class Corestore {
    constructor (storage: string, opts?: Record<string, unknown>)
    get<T = unknown> (opts: { name?: string; key?: Buffer; valueEncoding?: 'json' | 'utf-8' | 'binary' }): Hypercore<T>
    ready (): Promise<void>
    close (): Promise<void>
  }
}
