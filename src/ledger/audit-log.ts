import type Corestore from 'corestore'
import type Hypercore from 'hypercore'
import { EventTypeIndex } from './event-type-index.js'
import { DEFAULT_SHOULD_MASK, maskEntry } from './mask.js'
import { openStore } from './open-store.js'
import { pageBounds, readAt, readRange } from './read-range.js'
import type { Page, PageQuery } from './read-range.js'
import { SerialQueue } from './serial-queue.js'
import { firstAtOrAfter } from './sorted.js'
import type { EventRecord, TransactionRecord } from './types.js'
import { verifyCore } from './verify-core.js'

export type { Page } from './read-range.js'

export interface AuditLogOptions {
  /** Directory of the Corestore (config audit.storage.path). One writing process at a time. */
  storagePath: string
  /** Core names (config audit.eventLog / audit.transactionHistory). */
  eventLogName?: string
  transactionLogName?: string
  /** Keys whose string values are masked on disk (config audit.shouldMask). */
  shouldMask?: readonly string[]
  /** For readers such as the CLI: no lock, no appends, a snapshot as of open. */
  readOnly?: boolean
}

export type TransactionInput = Omit<TransactionRecord, 'kind' | 'at'> & { at?: number }

export interface VerifyResult {
  ok: boolean
  eventCount: number
  transactionCount: number
  problems: string[]
}

/**
 * Transaction fields the limits are computed from. They are never masked, or the in-memory ledger
 * (which is exactly what is on disk, so limits are the same before and after a restart) could not
 * be matched against real channels, nodes and payment hashes.
 */
const LIMIT_FIELDS = new Set([
  'kind',
  'at',
  'role',
  'status',
  'channelId',
  'localPublicKey',
  'tokens',
  'paymentHash',
  'counterparty'
])
/** How far the clock may have stepped back between two events and a `since` query still find them. */
const CLOCK_SLACK_MS = 86_400_000
/** Events read per step when looking back from the end for where a `since` query starts. */
const SCAN_CHUNK = 256
/** Entries of one type read in parallel by a `type` query. */
const CHUNK_OF_TYPE = 256
/** Event fields the readers filter on. */
const EVENT_FIELDS = new Set(['kind', 'at', 'type'])

/**
 * The audit ledger: a Corestore under `storagePath` holding two append-only, signed Hypercores
 * (JSON): the event log (anything worth an operator's attention) and the transaction log (the
 * ledger payment limits are computed from).
 *
 * Lifecycle: `open()` → appends and reads → `close()`. An append resolves once Hypercore has
 * stored the entry, so a caller that awaits it knows the entry survives a crash of this process
 * (the RocksDB write-ahead log has it; it is not fsynced per append, so a power cut may lose the
 * last appends).
 * Appends run one at a time in call order. The whole transaction log is also held in memory
 * (loaded at open, extended on append) so limit checks read no disk.
 */
export class AuditLog {
  private readonly queue = new SerialQueue()
  /** The transaction log as stored, frozen; txIndex[i] is txs[i]'s position in the log. */
  private readonly txs: TransactionRecord[] = []
  private readonly txIndex: number[] = []
  /** Where each event type is in the event log (built on the first `type` query). */
  private readonly eventTypes = new EventTypeIndex()
  /** Reads of the cores in progress: close() lets them finish before closing the cores. */
  private readonly reads = new Set<Promise<unknown>>()
  private closing: Promise<void> | undefined

  private constructor(
    private readonly store: Corestore,
    private readonly eventLog: Hypercore<EventRecord>,
    private readonly txLog: Hypercore<TransactionRecord>,
    private readonly storagePath: string,
    private readonly names: { events: string; transactions: string },
    private readonly shouldMask: readonly string[],
    readonly readOnly: boolean
  ) {}

  static async open(opts: AuditLogOptions): Promise<AuditLog> {
    const names = {
      events: opts.eventLogName ?? 'event-log',
      transactions: opts.transactionLogName ?? 'transaction-log'
    }
    const readOnly = opts.readOnly === true
    const { store, eventLog, txLog } = await openStore<EventRecord, TransactionRecord>({
      storagePath: opts.storagePath,
      eventLogName: names.events,
      transactionLogName: names.transactions,
      readOnly
    })
    const log = new AuditLog(
      store,
      eventLog,
      txLog,
      opts.storagePath,
      names,
      opts.shouldMask ?? DEFAULT_SHOULD_MASK,
      readOnly
    )
    try {
      await log.loadTransactions()
    } catch (err) {
      await log.close().catch(() => {
        /* already failing: the open's error is the one reported */
      })
      throw err
    }
    return log
  }

  /**
   * A daemon must not compute limits from a partial ledger, so an unreadable entry stops it from
   * opening. A reader (the CLI, verify) skips it instead, so the damage can be reported.
   */
  private async loadTransactions(): Promise<void> {
    for await (const slot of readRange(this.txLog, 0, this.txLog.length)) {
      if ('value' in slot) this.remember(slot.index, slot.value)
      else if (!this.readOnly) {
        throw new Error(
          `audit storage ${this.storagePath}: transaction log entry ${slot.index} is ` +
            `unreadable (${slot.error.message}); run 'tightrope audit --verify'`
        )
      }
    }
  }

  private remember(index: number, entry: TransactionRecord): void {
    this.txs.push(Object.freeze(entry))
    this.txIndex.push(index)
  }

  /** Hex public keys of both cores: what an auditor needs to replicate and verify them. */
  get keys(): { eventLog: string; transactionLog: string } {
    return { eventLog: this.eventLog.key.toString('hex'), transactionLog: this.txLog.key.toString('hex') }
  }

  /** Appends an event; resolves with its index once stored. `fields.at` (ms epoch) is kept if set. */
  appendEvent(type: string, fields: Record<string, unknown> = {}): Promise<number> {
    const at = typeof fields.at === 'number' ? fields.at : Date.now()
    const entry = maskEntry(
      { ...fields, kind: 'event', type, at } as EventRecord,
      this.shouldMask.filter((k) => !EVENT_FIELDS.has(k))
    )
    return this.append(this.eventLog, this.names.events, entry, (index) => this.eventTypes.appended(index, type))
  }

  /** Appends a transaction; resolves with its index once stored and visible in allTransactions(). */
  appendTransaction(record: TransactionInput): Promise<number> {
    const entry = maskEntry(
      { ...record, kind: 'transaction', at: record.at ?? Date.now() } as TransactionRecord,
      this.shouldMask.filter((k) => !LIMIT_FIELDS.has(k))
    )
    return this.append(this.txLog, this.names.transactions, entry, (index) => this.remember(index, entry))
  }

  /** The whole transaction log in log order, from memory. */
  allTransactions(): readonly TransactionRecord[] {
    return this.txs
  }

  /** Events matching the filter, oldest first; `since` is inclusive (ms epoch). */
  events(q: { since?: number; type?: string } & PageQuery = {}): Promise<Page<EventRecord>> {
    return this.reading(() => this.readEvents(q))
  }

  private async readEvents(q: { since?: number; type?: string } & PageQuery): Promise<Page<EventRecord>> {
    const { offset, limit } = pageBounds(q)
    if (q.since === undefined && q.type === undefined) {
      // No filter: the total is the length, and only the page itself needs reading.
      const end = Math.min(this.eventLog.length, offset + limit)
      const entries: Array<EventRecord & { index: number }> = []
      for await (const slot of readRange(this.eventLog, Math.min(offset, end), end)) entries.push(this.readable(slot))
      return { total: this.eventLog.length, entries }
    }
    if (q.type !== undefined) return this.readEventsOfType(q.type, q.since, offset, limit)
    const matching: Array<EventRecord & { index: number }> = []
    const start = await this.firstEventNear(q.since as number)
    for await (const slot of readRange(this.eventLog, start, this.eventLog.length)) {
      const e = this.readable(slot)
      if (e.at >= (q.since as number)) matching.push(e)
    }
    return { total: matching.length, entries: matching.slice(offset, offset + limit) }
  }

  /**
   * Events of one type from the type index: without `since` only the page is read; with it, only
   * the type's entries from where the `since` scan starts (see firstEventNear).
   */
  private async readEventsOfType(
    type: string,
    since: number | undefined,
    offset: number,
    limit: number
  ): Promise<Page<EventRecord>> {
    const all = await this.eventTypes.of(this.eventLog, type, (index, error) => this.unreadable(index, error))
    const read = async (positions: readonly number[]): Promise<Array<EventRecord & { index: number }>> => {
      const out: Array<EventRecord & { index: number }> = []
      for (let i = 0; i < positions.length; i += CHUNK_OF_TYPE)
        for (const slot of await readAt(this.eventLog, positions.slice(i, i + CHUNK_OF_TYPE)))
          out.push(this.readable(slot))
      return out
    }
    if (since === undefined) return { total: all.length, entries: await read(all.slice(offset, offset + limit)) }
    const from = firstAtOrAfter(all, await this.firstEventNear(since))
    const matching = (await read(all.slice(from))).filter((e) => e.at >= since)
    return { total: matching.length, entries: matching.slice(offset, offset + limit) }
  }

  /**
   * Where a `since` query needs to start reading: the start of the newest chunk, read from the end
   * back, that holds an event older than `since` by more than CLOCK_SLACK_MS (entries are in append
   * order, so everything before it is older, but for a clock stepped back further than that). A
   * query for the last hour reads the last hour, not a year of events.
   */
  private async firstEventNear(since: number): Promise<number> {
    for (let end = this.eventLog.length; end > 0; end -= SCAN_CHUNK) {
      const start = Math.max(0, end - SCAN_CHUNK)
      for await (const slot of readRange(this.eventLog, start, end))
        if ('value' in slot && slot.value.at < since - CLOCK_SLACK_MS) return start
    }
    return 0
  }

  /** Transactions matching the filter, oldest first, from memory. */
  async transactions(q: { since?: number; channelId?: string } & PageQuery = {}): Promise<Page<TransactionRecord>> {
    const { offset, limit } = pageBounds(q)
    const matching: Array<TransactionRecord & { index: number }> = []
    this.txs.forEach((t, i) => {
      if ((q.since === undefined || t.at >= q.since) && (q.channelId === undefined || t.channelId === q.channelId)) {
        matching.push({ ...t, index: this.txIndex[i] ?? i })
      }
    })
    return { total: matching.length, entries: matching.slice(offset, offset + limit) }
  }

  /** Integrity check of both logs (see verify-core.ts for what is checked). */
  verify(): Promise<VerifyResult> {
    return this.reading(() => this.verifyBoth())
  }

  private async verifyBoth(): Promise<VerifyResult> {
    const events = await verifyCore(this.names.events, this.eventLog as Hypercore<unknown>)
    const transactions = await verifyCore(this.names.transactions, this.txLog as Hypercore<unknown>)
    const problems = [...events.problems, ...transactions.problems]
    return { ok: problems.length === 0, eventCount: events.length, transactionCount: transactions.length, problems }
  }

  /** True until close() is called: appends are accepted. */
  get isOpen(): boolean {
    return this.closing === undefined
  }

  /**
   * Refuses new appends, waits for every queued one, then closes the cores and the store.
   * Safe to call more than once: every call returns the same promise.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown()
    return this.closing
  }

  private async shutdown(): Promise<void> {
    await this.queue.idle()
    await Promise.allSettled([...this.reads])
    const failures: string[] = []
    for (const core of [this.eventLog, this.txLog]) await core.close().catch((err: Error) => failures.push(err.message))
    await this.store.close().catch((err: Error) => failures.push(err.message))
    if (failures.length > 0)
      throw new Error(`audit storage ${this.storagePath} did not close cleanly: ${failures.join('; ')}`)
  }

  private append<T>(core: Hypercore<T>, name: string, entry: T, onStored?: (index: number) => void): Promise<number> {
    const refuse = this.closing !== undefined ? 'is closed' : this.readOnly ? 'is open read-only' : undefined
    if (refuse !== undefined) {
      return Promise.reject(new Error(`audit log ${this.storagePath} (${name}) ${refuse}; entry not written`))
    }
    return this.queue.run(async () => {
      let length: number
      try {
        ;({ length } = await core.append(entry))
      } catch (err) {
        throw new Error(
          `audit log ${this.storagePath} (${name}): append failed, entry not written: ${(err as Error).message}`,
          { cause: err }
        )
      }
      onStored?.(length - 1)
      return length - 1
    })
  }

  private readable<T>(slot: { index: number; value: T } | { index: number; error: Error }): T & { index: number } {
    if ('error' in slot) throw this.unreadable(slot.index, slot.error)
    return { ...slot.value, index: slot.index }
  }

  private unreadable(index: number, error: Error): Error {
    return new Error(
      `audit log ${this.storagePath}: entry ${index} is unreadable (${error.message}); run 'tightrope audit --verify'`
    )
  }

  private reading<T>(read: () => Promise<T>): Promise<T> {
    if (this.closing !== undefined) return Promise.reject(new Error(`audit log ${this.storagePath} is closed`))
    const p = read()
    this.reads.add(p)
    void p
      .catch(() => {
        /* the reader gets the error from `p`; this only tracks it */
      })
      .finally(() => this.reads.delete(p))
    return p
  }
}
