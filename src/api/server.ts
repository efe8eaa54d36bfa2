import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { LedgerReader, PeerSource, StatusSource } from './ports.js'
import { isLoopbackHost } from '../config/host-port.js'
import { buildStatus } from './status.js'
import { renderMetrics, type NotificationStats } from './metrics.js'
import { BadRequest, intParam, textParam, timeParam } from './query.js'
import { DASHBOARD_CSP, DASHBOARD_HTML } from './dashboard.js'
import { bearerMatches, hostProblem } from './access.js'
import { StreamTickets } from './tickets.js'
import { buildHealth } from './health.js'
import { ledgerTotals, succeededSince } from './totals.js'
import { eventText } from './event-text.js'
import { ASSETS } from './assets.js'
import { KEEP_MS, type ShareHistory } from '../history/share-history.js'
import type { AccountsService } from '../accounts/service.js'
import { renderAccountsMetrics } from './accounts-metrics.js'

export interface ApiOptions {
  host: string
  port: number
  /** When `port` is taken, listen on any free port instead of failing (the port was a default). */
  fallbackToFreePort?: boolean
  token?: string
  daemon: StatusSource
  ledger: LedgerReader
  swarm?: PeerSource
  /** Accounts across operators (GET /api/accounts, and in /metrics). */
  accounts?: AccountsService
  /** Per notification target: deliveries sent, failed, dropped, retried. */
  notifications?: () => ReadonlyArray<NotificationStats>
  /** Each channel side's share over time, for the dashboard's charts. */
  history?: ShareHistory
}

const DAY_MS = 24 * 3600_000
/**
 * How far apart a browser's clock and ours, or two stamps of our ledger across a clock step, may
 * be: /api/history's `since` may be this much older than the 7 days kept or ahead of now.
 */
const CLOCK_SLACK_MS = DAY_MS
const HISTORY_SINCE_MS = KEEP_MS + CLOCK_SLACK_MS

const STATUS_PUSH_MS = 1000

interface Context {
  opts: ApiOptions
  streams: Set<ServerResponse>
  tickets: StreamTickets
}

/**
 * The local HTTP API and dashboard: GET /api/status, /api/health, /api/history, /api/summary, /api/events, /api/transactions, /metrics,
 * /api/stream (server-sent events), /api/stream-ticket and / (the dashboard, self-contained).
 * Listening anywhere but loopback requires a bearer token (api.token; the loader also reads
 * TIGHTROPE_API_TOKEN into it). Every request must name this API in its Host (see access.ts).
 */
export class ApiServer {
  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly streams: Set<ServerResponse>,
    /** The port asked for, when it was taken and a free one was used instead. */
    readonly portTaken?: number
  ) {}

  static async start(opts: ApiOptions): Promise<ApiServer> {
    if (!isLoopbackHost(opts.host) && !opts.token) {
      throw new Error(
        `api.host ${opts.host} is not loopback: set api.token (16+ characters) or TIGHTROPE_API_TOKEN so the API is not open to anyone`
      )
    }
    const ctx: Context = { opts, streams: new Set<ServerResponse>(), tickets: new StreamTickets() }
    const server = createServer((req, res) => {
      void handle(ctx, req, res)
    })
    let portTaken: number | undefined
    try {
      await listen(server, opts.host, opts.port)
    } catch (err) {
      if (!opts.fallbackToFreePort || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE')
        throw listenError(opts, opts.port, err)
      portTaken = opts.port
      await listen(server, opts.host, 0).catch((e: unknown) => {
        throw listenError(opts, 0, e)
      })
    }
    const address = server.address()
    const port = typeof address === 'object' && address ? address.port : opts.port
    const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host
    return new ApiServer(server, `http://${host}:${port}`, ctx.streams, portTaken)
  }

  async stop(): Promise<void> {
    for (const res of this.streams) res.end()
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(err)
    server.once('error', onError)
    server.listen(port, host, () => {
      server.off('error', onError)
      resolve()
    })
  })
}

function listenError(opts: ApiOptions, port: number, err: unknown): Error {
  const e = err as NodeJS.ErrnoException
  const hint =
    e.code === 'EADDRINUSE'
      ? ' (another process holds it: choose another api.port, or remove api.port to take a free one)'
      : ''
  return new Error(`api: cannot listen on ${opts.host}:${port}: ${e.code ?? e.message}${hint}`, { cause: err })
}

/** Bearer token in the Authorization header (or no token configured). */
function authorized(opts: ApiOptions, req: IncomingMessage): boolean {
  return !opts.token || bearerMatches(req.headers.authorization, opts.token)
}

async function handle({ opts, streams, tickets }: Context, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const json = (status: number, value: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
    res.end(JSON.stringify(value))
  }
  try {
    const wrongHost = hostProblem(req.headers.host, opts.host, opts.token !== undefined)
    if (wrongHost) return json(403, { error: wrongHost })
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (req.method !== 'GET') return json(405, { error: `${req.method} not allowed: the API is read-only` })
    // The page and its static assets hold no data (the page asks for a token when the API wants
    // one), nor does the health check (it names nothing: health.ts); the stream also takes a
    // one-time ticket, since EventSource cannot send an Authorization header.
    const ticket = url.pathname === '/api/stream' ? url.searchParams.get('ticket') : null
    const asset = ASSETS.get(url.pathname)
    const allowed =
      url.pathname === '/' ||
      asset !== undefined ||
      url.pathname === '/api/health' ||
      authorized(opts, req) ||
      (ticket !== null && tickets.redeem(ticket))
    if (!allowed) {
      res.setHeader('www-authenticate', 'Bearer')
      return json(401, { error: 'a bearer token is required (Authorization: Bearer <api.token>)' })
    }
    const q = url.searchParams
    if (asset) {
      res.writeHead(200, {
        'content-type': asset.type,
        'cache-control': 'max-age=3600',
        'x-content-type-options': 'nosniff'
      })
      return void res.end(asset.body())
    }
    switch (url.pathname) {
      case '/':
        res.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-store',
          'content-security-policy': DASHBOARD_CSP,
          'x-frame-options': 'DENY',
          'referrer-policy': 'no-referrer'
        })
        return void res.end(DASHBOARD_HTML)
      case '/api/health': {
        const health = buildHealth({
          ledgerOpen: opts.ledger.isOpen,
          nodeStates: opts.daemon.nodeStatuses().map((n) => n.state),
          swarmJoined: opts.swarm !== undefined
        })
        return json(health.ready ? 200 : 503, health)
      }
      case '/api/stream-ticket':
        return json(200, tickets.issue())
      case '/api/status':
        return json(200, buildStatus(opts.daemon, opts.swarm))
      case '/api/events': {
        const since = timeParam(q, 'since')
        const type = textParam(q, 'type')
        const page = await opts.ledger.events({
          ...(since !== undefined ? { since } : {}),
          ...(type ? { type } : {}),
          offset: intParam(q, 'offset', 0, 0, 1e9),
          limit: intParam(q, 'limit', 100, 1, 1000)
        })
        return json(200, { ...page, entries: page.entries.map((e) => ({ ...e, text: eventText(e) })) })
      }
      case '/api/transactions': {
        const since = timeParam(q, 'since')
        const channelId = textParam(q, 'channelId', 32)
        const page = await opts.ledger.transactions({
          ...(since !== undefined ? { since } : {}),
          ...(channelId ? { channelId } : {}),
          offset: intParam(q, 'offset', 0, 0, 1e9),
          limit: intParam(q, 'limit', 100, 1, 1000)
        })
        return json(200, page)
      }
      case '/api/history': {
        const now = Date.now()
        const since =
          timeParam(q, 'since', {
            min: now - HISTORY_SINCE_MS,
            max: now + CLOCK_SLACK_MS,
            why: 'the history is kept 7 days'
          }) ?? now - DAY_MS
        const rebalances = succeededSince(opts.ledger.allTransactions(), since, CLOCK_SLACK_MS).map((t) => ({
          at: t.at,
          channelId: t.channelId,
          role: t.role,
          tokens: t.tokens
        }))
        return json(200, { since, sides: opts.history?.series(since) ?? [], rebalances })
      }
      case '/api/summary':
        return json(200, ledgerTotals(opts.ledger.allTransactions()))
      case '/api/accounts': {
        if (!opts.accounts) return json(404, { error: 'accounts are not kept by this instance' })
        const since = timeParam(q, 'since')
        return json(200, opts.accounts.report(since))
      }
      case '/metrics':
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' })
        return void res.end(
          renderMetrics(
            buildStatus(opts.daemon, opts.swarm),
            opts.ledger.allTransactions(),
            opts.daemon.rpcStats,
            opts.swarm?.counters,
            opts.notifications?.() ?? []
          ) + (opts.accounts ? renderAccountsMetrics(opts.accounts.report()) : '')
        )
      case '/api/stream':
        return stream(opts, streams, res)
      default:
        return json(404, { error: `no such endpoint ${url.pathname}` })
    }
  } catch (err) {
    if (err instanceof BadRequest) return json(400, { error: err.message })
    json(500, { error: (err as Error).message })
  }
}

/** Server-sent events: the status now and every second, and every daemon event as it happens. */
function stream(opts: ApiOptions, streams: Set<ServerResponse>, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' })
  const send = (event: string, data: unknown): void => {
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
  }
  const pushStatus = (): void => send('status', buildStatus(opts.daemon, opts.swarm))
  const onEvent = (e: { type: string } & Record<string, unknown>): void => send('log', { ...e, text: eventText(e) })
  pushStatus()
  const timer = setInterval(pushStatus, STATUS_PUSH_MS)
  opts.daemon.events.on('event', onEvent)
  streams.add(res)
  res.on('close', () => {
    clearInterval(timer)
    opts.daemon.events.off('event', onEvent)
    streams.delete(res)
  })
}
