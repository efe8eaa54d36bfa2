import { join } from 'node:path'
import type { SwarmConnection } from 'hyperswarm'
import type { CounterpartyConfig, Settings, TightropeConfig } from '../config/types.js'
import type { TransactionRecord } from '../ledger/types.js'
import type { EventSink } from '../core/events.js'
import { computeAccounts, concludedPayments } from './compute.js'
import { buildReport, type AccountsReport, type ReportInput } from './report.js'
import { StatementBook } from './statements.js'

export type { AccountsReport, CounterpartyReport } from './report.js'

/** How often statements are written, synced and compared (and at once after a payment event). */
const TICK_MS = 2000
/**
 * How long a tick waits for the counterparties' syncs, all run at once: a silent one's goes on in
 * the background (one per counterparty at a time) and is looked at again by a later tick.
 */
export const SYNC_WAIT_MS = 2000
const PAYMENT_EVENTS = /^(payment_(succeeded|failed|reconciled)|rebalanced|rebalance_not_done)$/

export interface AccountsOptions {
  ledger: { allTransactions(): readonly TransactionRecord[] }
  book: StatementBook
  counterparties: readonly CounterpartyConfig[]
  /** The settings the payer applies to a counterparty's requests (see ReportInput.settingsFor). */
  settingsFor: ReportInput['settingsFor']
  emit: EventSink
  /** Tests shorten it; SYNC_WAIT_MS by default. */
  syncWaitMs?: number
  /** The daemon's event stream: a payment's conclusion writes the statements at once. */
  events: {
    on(name: 'event', l: (e: { type: string }) => void): unknown
    off(name: 'event', l: (e: { type: string }) => void): unknown
  }
}

interface Live {
  conn: SwarmConnection
  sendKey: (key: Buffer) => void
  shared: boolean
  theirKey?: Buffer
  nodes: () => ReadonlyMap<string, string>
}

/**
 * Accounts across operators: computed from our ledger, our statements written from it, theirs
 * followed and compared. A counterparty's statement is shared and followed only once it counts
 * (configured, or a payment with it in our ledger), so members cannot make us keep cores at will.
 */
export class AccountsService {
  private readonly live = new Map<string, Live>()
  /**
   * Problems already reported. A statement's own problems (rewritten, invalid) count once per
   * counterparty and kind, whatever their detail: a member sending a new key on every connection
   * cannot grow this set. Per-payment ones are bounded by the statement's length.
   */
  private readonly flagged = new Set<string>()
  /** Ledger length whose concluded payments the statements have. */
  private recordedLength = -1
  private timer: NodeJS.Timeout | undefined
  private ticking: Promise<void> | undefined
  private again = false
  private stopped = false
  private readonly onEvent = (e: { type: string }): void => {
    if (PAYMENT_EVENTS.test(e.type)) this.kick()
  }

  constructor(private readonly opts: AccountsOptions) {
    opts.events.on('event', this.onEvent)
    this.timer = setInterval(() => this.kick(), TICK_MS)
    this.timer.unref()
    this.kick()
  }

  /** An authenticated peer instance's connection (swarm key = counterparty). */
  onPeer(
    counterparty: string,
    conn: SwarmConnection,
    sendKey: (key: Buffer) => void,
    nodes: () => ReadonlyMap<string, string>
  ): void {
    this.live.set(counterparty, { conn, sendKey, shared: false, nodes })
    this.kick()
  }

  onPeerGone(counterparty: string, conn: SwarmConnection): void {
    if (this.live.get(counterparty)?.conn === conn) this.live.delete(counterparty)
  }

  /** The key of the statement it keeps about us, as it sent it (one per connection). */
  onTheirKey(counterparty: string, key: Buffer, conn: SwarmConnection): void {
    const l = this.live.get(counterparty)
    if (l?.conn !== conn) return
    l.theirKey = key
    this.kick()
  }

  private kick(): void {
    if (this.stopped) return
    if (this.ticking) {
      this.again = true
      return
    }
    this.ticking = this.tick()
      .catch((err: unknown) => this.opts.emit('accounts_error', { error: (err as Error)?.message ?? String(err) }))
      .finally(() => {
        this.ticking = undefined
        if (this.again) {
          this.again = false
          this.kick()
        }
      })
  }

  /**
   * Counterparties that count: configured, or with a payment in our ledger (made, in flight, or
   * received). A refusal alone does not count: a member cannot make us keep statements by asking.
   */
  private known(records: readonly TransactionRecord[]): Set<string> {
    return new Set([...this.opts.counterparties.map((c) => c.swarmKey), ...computeAccounts(records).keys()])
  }

  private async tick(): Promise<void> {
    const { book } = this.opts
    const records = this.opts.ledger.allTransactions()
    // Statements take only what concluded since the last tick: nothing to do while the ledger is as it was.
    if (records.length !== this.recordedLength) {
      const length = records.length
      for (const [cp, entries] of concludedPayments(records)) await book.record(cp, entries)
      this.recordedLength = length
    }
    const known = this.known(records)
    for (const [cp, l] of this.live) {
      if (!known.has(cp) || this.stopped) continue
      if (!l.shared) {
        l.shared = true
        l.sendKey(await book.share(cp, l.conn))
      }
      if (l.theirKey !== undefined) {
        const key = l.theirKey
        delete l.theirKey
        await book.follow(cp, key, l.conn)
      }
    }
    await this.syncAll(book.followed)
    for (const c of this.report().counterparties) {
      for (const p of c.statement.problems) {
        const id = `${c.counterparty}:${p.kind}:${p.paymentHash ?? ''}`
        if (this.flagged.has(id)) continue
        this.flagged.add(id)
        this.opts.emit('statement_disagreement', {
          counterparty: c.name ?? c.counterparty.slice(0, 12),
          kind: p.kind,
          ...(p.paymentHash ? { paymentHash: p.paymentHash } : {}),
          detail: p.detail
        })
      }
    }
  }

  /** Syncs every followed statement at once, waiting at most syncWaitMs for them together. */
  private async syncAll(counterparties: readonly string[]): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    const bound = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.opts.syncWaitMs ?? SYNC_WAIT_MS)
    })
    const syncs = counterparties.map((cp) =>
      this.opts.book.sync(cp).catch(() => {
        /* a failed read is retried at the next sync */
      })
    )
    await Promise.race([Promise.all(syncs), bound])
    clearTimeout(timer)
  }

  /** Accounts per counterparty from our ledger, since `since` (ms), with cap usage and statement checks. */
  report(since?: number, now = Date.now()): AccountsReport {
    return buildReport({
      records: this.opts.ledger.allTransactions(),
      ...(since !== undefined ? { since } : {}),
      now,
      counterparties: this.opts.counterparties,
      settingsFor: this.opts.settingsFor,
      statementOf: (cp) => this.opts.book.statement(cp),
      liveNodes: (cp) => this.live.get(cp)?.nodes()
    })
  }

  async stop(): Promise<void> {
    this.stopped = true
    clearInterval(this.timer)
    this.opts.events.off('event', this.onEvent)
    await this.ticking
    await this.opts.book.close()
  }
}

/** The accounts of an instance: statements in their own store beside the audit logs (`<storage>/statements`). */
export async function startAccounts(args: {
  config: TightropeConfig
  ledger: AccountsOptions['ledger']
  daemon: { emit: EventSink; events: AccountsOptions['events'] }
  storagePath: string
  /** What the payer applies (the app's, so the report shows the cap in force, reloads included). */
  settingsFor: AccountsOptions['settingsFor']
}): Promise<AccountsService> {
  const { config } = args
  return new AccountsService({
    ledger: args.ledger,
    book: await StatementBook.open(join(args.storagePath, 'statements')),
    counterparties: config.counterparties,
    settingsFor: args.settingsFor,
    emit: args.daemon.emit,
    events: args.daemon.events
  })
}
