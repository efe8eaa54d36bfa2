import type { EventEmitter } from 'node:events'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import Corestore from 'corestore'
import type Hypercore from 'hypercore'
import type { SwarmConnection } from 'hyperswarm'
import { parseStatementEntry } from './compare.js'
import type { StatementEntry, StatementProblem } from './types.js'

/** A counterparty's statement longer than this, or larger in bytes, is not read further. */
export const MAX_STATEMENT_ENTRIES = 100_000
export const MAX_STATEMENT_BYTES = 32 * 1024 * 1024
/** How long one block of a peer's statement may take to arrive before we try again later. */
const BLOCK_TIMEOUT_MS = 10_000
const KEYS_FILE = 'keys.json'

/** How much of a counterparty's statement we read at most (tests lower them). */
export interface StatementLimits {
  entries: number
  bytes: number
}

/** Their statement as we hold it: a read-only replica of their core, verified by Hypercore. */
interface Theirs {
  /** Opened with binary values: a block that is not JSON is read (and refused), not taken for one not there. */
  core: Hypercore<Uint8Array>
  entries: StatementEntry[]
  problems: StatementProblem[]
  syncedAt?: number
  reading?: Promise<void>
}

/**
 * The statements, in their own Corestore (`<storage>/statements`): ours, one writable core per
 * counterparty (name `statement/<swarm key>`), and theirs, read-only replicas of the core each
 * counterparty shares with us. The key each counterparty first shared is kept (keys.json): a
 * different one later is history replaced, and is reported, never followed.
 */
export class StatementBook {
  private readonly ours = new Map<string, { core: Hypercore<StatementEntry>; written: Set<string> }>()
  private readonly theirs = new Map<string, Theirs>()
  private readonly replaced = new Map<string, StatementProblem>()
  private closed = false

  private constructor(
    private readonly store: Corestore,
    private readonly dir: string,
    private readonly keys: Record<string, string>,
    private readonly limits: StatementLimits
  ) {}

  static async open(
    dir: string,
    limits: StatementLimits = { entries: MAX_STATEMENT_ENTRIES, bytes: MAX_STATEMENT_BYTES }
  ): Promise<StatementBook> {
    await mkdir(dir, { recursive: true, mode: 0o700 })
    let keys: Record<string, string> = {}
    try {
      keys = JSON.parse(await readFile(join(dir, KEYS_FILE), 'utf8')) as Record<string, string>
    } catch {
      /* none yet */
    }
    const store = new Corestore(dir)
    await store.ready()
    return new StatementBook(store, dir, keys, limits)
  }

  /** Our statement for a counterparty (created on first use), with the hashes already in it. */
  async ourCore(counterparty: string): Promise<{ core: Hypercore<StatementEntry>; written: Set<string> }> {
    let mine = this.ours.get(counterparty)
    if (mine === undefined) {
      const core = this.store.get<StatementEntry>({ name: `statement/${counterparty}`, valueEncoding: 'json' })
      await core.ready()
      const written = new Set<string>()
      for (let i = 0; i < core.length; i++) {
        const e = await core.get(i)
        if (e !== null) written.add(e.paymentHash)
      }
      mine = this.ours.get(counterparty) ?? { core, written }
      this.ours.set(counterparty, mine)
    }
    return mine
  }

  /** Appends what our ledger concluded with this counterparty and the statement does not list yet. */
  async record(counterparty: string, entries: readonly StatementEntry[]): Promise<void> {
    const mine = await this.ourCore(counterparty)
    const fresh = entries.filter((e) => !mine.written.has(e.paymentHash))
    if (fresh.length === 0 || this.closed) return
    await mine.core.append(fresh)
    for (const e of fresh) mine.written.add(e.paymentHash)
  }

  /** Serves our statement for this counterparty on its connection; resolves with the key to send it. */
  async share(counterparty: string, conn: SwarmConnection): Promise<Buffer> {
    const { core } = await this.ourCore(counterparty)
    core.replicate(conn as never)
    return core.key
  }

  /**
   * The counterparty's statement key, as it sent it: replicated read-only on its connection. Only
   * the first key a counterparty ever sent is followed; another one is reported as history rewritten.
   */
  async follow(counterparty: string, key: Buffer, conn: SwarmConnection): Promise<void> {
    // Our own statement sent back would read as theirs with every direction flipped, and, saved as
    // their first key, keep their real one from ever being followed: never follow one of ours.
    const { core: mine } = await this.ourCore(counterparty)
    if (mine.key.equals(key) || [...this.ours.values()].some((m) => m.core.key.equals(key))) return
    const hex = key.toString('hex')
    const known = this.keys[counterparty]
    if (known !== undefined && known !== hex) {
      // The first other key is the report; later ones (one per connection, at the peer's will) add nothing.
      if (this.replaced.has(counterparty)) return
      this.replaced.set(counterparty, {
        kind: 'rewritten',
        detail: `it shared another statement (${hex.slice(0, 12)}…) than the one it shared first (${known.slice(0, 12)}…)`
      })
      return
    }
    if (known === undefined) {
      this.keys[counterparty] = hex
      const tmp = join(this.dir, `${KEYS_FILE}.tmp`)
      await writeFile(tmp, JSON.stringify(this.keys), { mode: 0o600 })
      await rename(tmp, join(this.dir, KEYS_FILE))
    }
    const theirs = await this.theirCore(counterparty)
    if (theirs === undefined) return
    theirs.core.replicate(conn as never)
    // Not awaited: a silent counterparty must not hold up its caller (the accounts tick syncs, bounded).
    this.sync(counterparty).catch(() => {
      /* a failed read is retried at the next sync */
    })
  }

  private async theirCore(counterparty: string): Promise<Theirs | undefined> {
    const hex = this.keys[counterparty]
    if (hex === undefined || this.closed) return undefined
    let theirs = this.theirs.get(counterparty)
    if (theirs === undefined) {
      const core = this.store.get<Uint8Array>({ key: Buffer.from(hex, 'hex'), valueEncoding: 'binary' })
      await core.ready()
      theirs = this.theirs.get(counterparty) ?? { core, entries: [], problems: [] }
      this.theirs.set(counterparty, theirs)
      const t = theirs
      // Hypercore verifies every block and signed length; these say the history changed under us.
      const rewritten = (what: string) => (): void => {
        flag(t, { kind: 'rewritten', detail: `their statement ${what}` })
      }
      // Our replica keeps the fork id it followed: a rewrite stays visible after our restart.
      if (core.fork > 0)
        flag(t, {
          kind: 'rewritten',
          detail: `their statement was truncated and rewritten (fork ${core.fork})`
        })
      const events = core as unknown as EventEmitter
      events.on('truncate', rewritten('was truncated (history rewritten)'))
      events.on('conflict', rewritten('was signed twice for the same length (forked)'))
      events.on('append', () => {
        this.sync(counterparty).catch(() => {
          /* a failed read is retried at the next sync */
        })
      })
    }
    return theirs
  }

  /** Brings their statement up to date from the peer (if connected) and reads the new entries, within bounds. */
  sync(counterparty: string): Promise<void> {
    const theirs = this.theirs.get(counterparty)
    if (theirs === undefined) return Promise.resolve()
    theirs.reading ??= this.read(theirs).finally(() => {
      delete theirs.reading
    })
    return theirs.reading
  }

  private async read(t: Theirs): Promise<void> {
    if (this.closed) return
    // The newest signed length from the peer, if it answers in time (never waits on a silent one).
    let timer: NodeJS.Timeout | undefined
    const updated = await Promise.race([
      t.core.update({ wait: true }).then(
        () => true,
        () => false
      ),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), BLOCK_TIMEOUT_MS)
      })
    ])
    clearTimeout(timer)
    const core = t.core as Hypercore<Uint8Array> & { byteLength: number }
    if (t.problems.some((p) => p.kind === 'invalid' || p.kind === 'rewritten')) return
    if (core.length > this.limits.entries || core.byteLength > this.limits.bytes) {
      flag(t, {
        kind: 'invalid',
        detail:
          `their statement has ${core.length} entries (${core.byteLength} bytes), more ` +
          `than we read (${this.limits.entries}, ${this.limits.bytes} bytes)`
      })
      return
    }
    while (t.entries.length < core.length && !this.closed) {
      const index = t.entries.length
      const block = await core.get(index, { timeout: BLOCK_TIMEOUT_MS } as never).catch(() => null)
      if (block === null) return // not available now: read again at the next sync
      const entry = parseStatementEntry(parseJson(block))
      if (entry === undefined) {
        flag(t, { kind: 'invalid', detail: `entry ${index} of their statement is not a statement entry` })
        return
      }
      t.entries.push(entry)
    }
    // Synced: a peer serving it answered and we read all it has. Only then can an absent entry
    // count as withheld (compare.ts), never while the counterparty is away.
    const served = ((core as unknown as { peers?: unknown[] }).peers?.length ?? 0) > 0
    if (updated && served && t.entries.length === core.length) t.syncedAt = Date.now()
  }

  /** What we know of a counterparty's statement now. */
  statement(counterparty: string): {
    shared: boolean
    entries: readonly StatementEntry[]
    problems: StatementProblem[]
    syncedAt?: number
    length: number
  } {
    const t = this.theirs.get(counterparty)
    const replaced = this.replaced.get(counterparty)
    const problems = [...(t?.problems ?? []), ...(replaced ? [replaced] : [])]
    return {
      shared: this.keys[counterparty] !== undefined,
      entries: t?.entries ?? [],
      problems,
      ...(t?.syncedAt !== undefined ? { syncedAt: t.syncedAt } : {}),
      length: t?.entries.length ?? 0
    }
  }

  /** Counterparties whose statement we follow. */
  get followed(): string[] {
    return Object.keys(this.keys)
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    // Their cores first: closing one ends a read waiting on a silent peer, instead of waiting it out.
    for (const c of [...this.theirs.values()]
      .map((t) => t.core as Hypercore<unknown>)
      .concat([...this.ours.values()].map((m) => m.core as Hypercore<unknown>)))
      await c.close().catch(() => {
        /* closing anyway: nothing else to do with a core that fails to close */
      })
    await Promise.allSettled([...this.theirs.values()].map((t) => t.reading))
    await this.store.close().catch(() => {
      /* closing anyway: the statements are replicated again next time */
    })
  }
}

/** A problem noted once: a writer that truncates again and again does not grow the list. */
function flag(t: Theirs, problem: StatementProblem): void {
  if (!t.problems.some((p) => p.kind === problem.kind && p.detail === problem.detail)) t.problems.push(problem)
}

/** A block as JSON, or undefined when it is not JSON (then not a statement entry either). */
function parseJson(block: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(block).toString('utf8')) as unknown
  } catch {
    return undefined
  }
}
