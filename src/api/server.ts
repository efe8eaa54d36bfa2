import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { timingSafeEqual } from 'node:crypto'
import type { Daemon } from '../daemon/daemon.js'
import type { ClusterSwarm } from '../swarm/cluster-swarm.js'
import type { AuditLog } from '../ledger/audit-log.js'
import { buildStatus } from './status.js'
import { renderMetrics } from './metrics.js'
import { BadRequest, intParam, textParam, timeParam } from './query.js'
import { DASHBOARD_HTML } from './dashboard.js'

export interface ApiOptions {
  host: string
  port: number
  token?: string
  daemon: Daemon
  ledger: AuditLog
  swarm?: ClusterSwarm
}

export const isLoopback = (host: string): boolean => host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)

const STATUS_PUSH_MS = 1000

/**
 * The local HTTP API and dashboard: GET /api/status, /api/events, /api/transactions, /metrics,
 * /api/stream (server-sent events) and / (the dashboard, self-contained). Listening anywhere but
 * loopback requires a bearer token (config api.token or TIGHTROPE_API_TOKEN).
 */
export class ApiServer {
  private constructor (private readonly server: Server, readonly url: string, private readonly streams: Set<ServerResponse>) {}

  static async start (opts: ApiOptions): Promise<ApiServer> {
    if (!isLoopback(opts.host) && !opts.token) {
      throw new Error(`api.host ${opts.host} is not loopback: set api.token (16+ characters) or TIGHTROPE_API_TOKEN so the API is not open to anyone`)
    }
    const streams = new Set<ServerResponse>()
    const server = createServer((req, res) => { void handle(opts, streams, req, res) })
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => reject(new Error(`api: cannot listen on ${opts.host}:${opts.port}: ${err.code ?? err.message}`)))
      server.listen(opts.port, opts.host, () => resolve())
    })
    const address = server.address()
    const port = typeof address === 'object' && address ? address.port : opts.port
    const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host
    return new ApiServer(server, `http://${host}:${port}`, streams)
  }

  async stop (): Promise<void> {
    for (const res of this.streams) res.end()
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}

function authorized (opts: ApiOptions, req: IncomingMessage, url: URL): boolean {
  if (!opts.token) return true
  const header = req.headers.authorization ?? ''
  const given = header.startsWith('Bearer ') ? header.slice(7) : url.searchParams.get('token') ?? ''
  const a = Buffer.from(given)
  const b = Buffer.from(opts.token)
  return a.length === b.length && timingSafeEqual(a, b)
}

async function handle (opts: ApiOptions, streams: Set<ServerResponse>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const json = (status: number, value: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
    res.end(JSON.stringify(value))
  }
  try {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (req.method !== 'GET') return json(405, { error: `${req.method} not allowed: the API is read-only` })
    if (!authorized(opts, req, url)) {
      res.setHeader('www-authenticate', 'Bearer')
      return json(401, { error: 'a bearer token is required (Authorization: Bearer <api.token>)' })
    }
    const q = url.searchParams
    switch (url.pathname) {
      case '/':
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
        return void res.end(DASHBOARD_HTML)
      case '/api/status':
        return json(200, buildStatus(opts.daemon, opts.swarm))
      case '/api/events': {
        const since = timeParam(q, 'since'); const type = textParam(q, 'type')
        const page = await opts.ledger.events({ ...(since !== undefined ? { since } : {}), ...(type ? { type } : {}), offset: intParam(q, 'offset', 0, 0, 1e9), limit: intParam(q, 'limit', 100, 1, 1000) })
        return json(200, page)
      }
      case '/api/transactions': {
        const since = timeParam(q, 'since'); const channelId = textParam(q, 'channelId', 32)
        const page = await opts.ledger.transactions({ ...(since !== undefined ? { since } : {}), ...(channelId ? { channelId } : {}), offset: intParam(q, 'offset', 0, 0, 1e9), limit: intParam(q, 'limit', 100, 1, 1000) })
        return json(200, page)
      }
      case '/metrics':
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' })
        return void res.end(renderMetrics(buildStatus(opts.daemon, opts.swarm), opts.ledger.allTransactions(), opts.daemon.rpcStats, opts.swarm?.counters))
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
function stream (opts: ApiOptions, streams: Set<ServerResponse>, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' })
  const send = (event: string, data: unknown): void => { res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`) }
  const pushStatus = (): void => send('status', buildStatus(opts.daemon, opts.swarm))
  const onEvent = (e: Record<string, unknown>): void => send('log', e)
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
