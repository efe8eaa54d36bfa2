import { mkdir } from 'node:fs/promises'
import Corestore from 'corestore'
import type Hypercore from 'hypercore'
import { maskEntry } from './mask.js'
import type { EventRecord, TransactionRecord } from './types.js'

export interface AuditLogOptions {
  storagePath: string
  eventLogName: string
  transactionLogName: string
  shouldMask: readonly string[]
}

export interface Page<T> { total: number; entries: Array<T & { index: number }> }

/**
 * The audit ledger: a Corestore under `storagePath` holding two append-only Hypercores, the event
 * log and the transaction log (JSON). An append resolves only once Hypercore has it, and appends
 * are serialized. The transaction log is also kept in memory (loaded at open), so limit checks
 * read no disk; it is the whole history, not a window of it.
 */
export class AuditLog {
  private readonly txs: TransactionRecord[] = []
  private queue: Promise<unknown> = Promise.resolve()
  private closing: Promise<void> | undefined

  private constructor (
    private readonly store: Corestore,
    private readonly eventLog: Hypercore<EventRecord>,
    private readonly txLog: Hypercore<TransactionRecord>,
    private readonly opts: AuditLogOptions
  ) {}

  static async open (opts: AuditLogOptions): Promise<AuditLog> {
    try {
      await mkdir(opts.storagePath, { recursive: true })
    } catch (err) {
      throw new Error(`audit storage ${opts.storagePath} cannot be created: ${(err as Error).message}`)
    }
    const store = new Corestore(opts.storagePath)
    try {
      await store.ready()
      const eventLog = store.get<EventRecord>({ name: opts.eventLogName, valueEncoding: 'json' })
      const txLog = store.get<TransactionRecord>({ name: opts.transactionLogName, valueEncoding: 'json' })
      await Promise.all([eventLog.ready(), txLog.ready()])
      const log = new AuditLog(store, eventLog, txLog, opts)
      for (let i = 0; i < txLog.length; i++) {
        const entry = await txLog.get(i)
        if (entry) log.txs.push(entry)
      }
      return log
    } catch (err) {
      await store.close().catch(() => {})
      const message = (err as Error).message
      if (/lock/i.test(message)) throw new Error(`audit storage ${opts.storagePath} is in use by another tightrope process (${message})`)
      throw new Error(`audit storage ${opts.storagePath} cannot be opened: ${message}`)
    }
  }

  get keys (): { eventLog: string; transactionLog: string } {
    return { eventLog: this.eventLog.key?.toString('hex') ?? '', transactionLog: this.txLog.key?.toString('hex') ?? '' }
  }

  appendEvent (type: string, fields: Record<string, unknown> = {}): Promise<number> {
    const entry = maskEntry({ ...fields, kind: 'event', type, at: Date.now() } as EventRecord, this.opts.shouldMask)
    return this.enqueue(this.eventLog, entry)
  }

  async appendTransaction (record: Omit<TransactionRecord, 'kind' | 'at'> & { at?: number }): Promise<number> {
    const entry = maskEntry({ ...record, kind: 'transaction', at: record.at ?? Date.now() } as TransactionRecord, this.opts.shouldMask)
    const index = await this.enqueue(this.txLog, entry)
    // The in-memory copy keeps what limits need unmasked (keys and hashes identify payments).
    this.txs.push({ ...record, kind: 'transaction', at: entry.at } as TransactionRecord)
    return index
  }

  allTransactions (): readonly TransactionRecord[] { return this.txs }

  async events (q: { since?: number; type?: string; offset?: number; limit?: number } = {}): Promise<Page<EventRecord>> {
    return this.read(this.eventLog, (e) => (q.since === undefined || e.at >= q.since) && (q.type === undefined || e.type === q.type), q)
  }

  async transactions (q: { since?: number; channelId?: string; offset?: number; limit?: number } = {}): Promise<Page<TransactionRecord>> {
    return this.read(this.txLog, (e) => (q.since === undefined || e.at >= q.since) && (q.channelId === undefined || e.channelId === q.channelId), q)
  }

  /**
   * Integrity check of both logs: Hypercore's own audit of the Merkle tree and the stored blocks
   * (dry run: it repairs nothing), and every entry readable as the JSON we wrote.
   */
  async verify (): Promise<{ ok: boolean; eventCount: number; transactionCount: number; problems: string[] }> {
    const problems: string[] = []
    const check = async (name: string, core: Hypercore<{ at?: unknown; kind?: unknown }>): Promise<void> => {
      const stats = await core.core.audit({ dryRun: true })
      if (!stats || stats.corrupt) problems.push(`${name}: Merkle tree does not verify`)
      else if (stats.droppedBlocks || stats.droppedTreeNodes) problems.push(`${name}: ${stats.droppedBlocks} block(s) and ${stats.droppedTreeNodes} tree node(s) do not verify`)
      for (let i = 0; i < core.length; i++) {
        const e = await core.get(i).catch(() => null)
        if (!e || typeof e.at !== 'number' || typeof e.kind !== 'string') problems.push(`${name}: entry ${i} is unreadable or malformed`)
      }
    }
    await check(this.opts.eventLogName, this.eventLog)
    await check(this.opts.transactionLogName, this.txLog)
    return { ok: problems.length === 0, eventCount: this.eventLog.length, transactionCount: this.txLog.length, problems }
  }

  /** Waits for every append, then closes the cores and the store. Safe to call twice. */
  close (): Promise<void> {
    this.closing ??= (async () => {
      await this.queue.catch(() => {})
      await this.eventLog.close()
      await this.txLog.close()
      await this.store.close()
    })()
    return this.closing
  }

  private enqueue<T> (core: Hypercore<T>, entry: T): Promise<number> {
    if (this.closing) return Promise.reject(new Error(`audit log ${this.opts.storagePath} is closed; entry not written`))
    const run = this.queue.then(async () => {
      try {
        const { length } = await core.append(entry)
        return length - 1
      } catch (err) {
        throw new Error(`audit log write to ${this.opts.storagePath} failed: ${(err as Error).message}`)
      }
    })
    this.queue = run.catch(() => {})
    return run
  }

  private async read<T extends { at: number }> (core: Hypercore<T>, match: (e: T) => boolean, q: { offset?: number; limit?: number }): Promise<Page<T>> {
    const all: Array<T & { index: number }> = []
    for (let i = 0; i < core.length; i++) {
      const e = await core.get(i)
      if (e && match(e)) all.push({ ...e, index: i })
    }
    const offset = q.offset ?? 0
    return { total: all.length, entries: all.slice(offset, offset + (q.limit ?? 100)) }
  }
}
