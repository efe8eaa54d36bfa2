import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { SimCluster, FaultRequest } from '../cluster.js'
import { FAILURE_REASONS, type FailureReason } from '../model/payments.js'

/** A request the control API refuses, with the HTTP status to answer. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message)
  }
}

const MAX_BODY = 64 * 1024

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY) throw new HttpError(413, 'request body too large')
    chunks.push(chunk as Buffer)
  }
  if (size === 0) return {}
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'))
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('expected a JSON object')
    return value as Record<string, unknown>
  } catch (err) {
    throw new HttpError(400, `invalid JSON body: ${(err as Error).message}`)
  }
}

function str(body: Record<string, unknown>, key: string, optional = false): string | undefined {
  const v = body[key]
  if (v === undefined && optional) return undefined
  if (typeof v !== 'string' || v === '') throw new HttpError(400, `${key}: expected a non-empty string`)
  return v
}

function int(body: Record<string, unknown>, key: string, optional = false): number | undefined {
  const v = body[key]
  if (v === undefined && optional) return undefined
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    throw new HttpError(400, `${key}: expected a non-negative integer`)
  return v
}

function parseFault(body: Record<string, unknown>): FaultRequest {
  const type = str(body, 'type')
  const match = {
    ...(body.from !== undefined ? { from: str(body, 'from') } : {}),
    ...(body.to !== undefined ? { to: str(body, 'to') } : {}),
    ...(body.count !== undefined ? { count: int(body, 'count') } : {})
  } as { from?: string; to?: string; count?: number }
  switch (type) {
    case 'latency': {
      const method = str(body, 'method', true)
      if (method !== undefined && !/^[A-Za-z][A-Za-z_-]{0,63}$/.test(method))
        throw new HttpError(
          400,
          'method: expected a gRPC method name such as VerifyMessage, or a CLN one such as waitsendpay'
        )
      return { type, node: str(body, 'node') as string, ms: int(body, 'ms') as number, ...(method ? { method } : {}) }
    }
    case 'hopLatency':
      return { type, ms: int(body, 'ms') as number }
    case 'hold':
      return { type, ...match }
    case 'fail': {
      const reason = str(body, 'reason') as string
      if (!FAILURE_REASONS.includes(reason as FailureReason))
        throw new HttpError(400, `reason: expected one of ${FAILURE_REASONS.join(', ')}`)
      return { type, reason: reason as FailureReason, ...match }
    }
    default:
      throw new HttpError(400, 'type: expected latency, hopLatency, fail or hold')
  }
}

type Route = (cluster: SimCluster, body: Record<string, unknown>, params: string[]) => Promise<unknown> | unknown

/** Control API routes: method + path pattern → handler. Ground truth comes straight from the model. */
const routes: Array<[string, RegExp, Route]> = [
  ['GET', /^\/channels$/, (c) => c.channels()],
  [
    'POST',
    /^\/channels$/,
    (c, b) =>
      c.openChannel({
        from: str(b, 'from') as string,
        to: str(b, 'to') as string,
        capacity: int(b, 'capacity') as number,
        ...(b.fromBalance !== undefined ? { fromBalance: int(b, 'fromBalance') as number } : {})
      })
  ],
  [
    'DELETE',
    /^\/channels\/([0-9x]+)$/,
    (c, _b, [id]) => {
      c.closeChannel(id as string)
      return { closed: id }
    }
  ],
  [
    'GET',
    /^\/nodes$/,
    (c) =>
      c.connections().map((n) => ({
        alias: n.alias,
        publicKey: n.publicKey,
        implementation: n.implementation,
        ...(n.implementation === 'lnd' ? { socket: n.socket } : { url: n.url }),
        online: c.network.node(n.alias).online,
        rpcCalls: c.endpoint(n.alias).totalCalls()
      }))
  ],
  [
    'POST',
    /^\/nodes\/([^/]+)\/offline$/,
    async (c, _b, [alias]) => {
      await c.setOnline(decodeURIComponent(alias as string), false)
      return { alias, online: false }
    }
  ],
  [
    'POST',
    /^\/nodes\/([^/]+)\/online$/,
    async (c, _b, [alias]) => {
      await c.setOnline(decodeURIComponent(alias as string), true)
      return { alias, online: true }
    }
  ],
  [
    'POST',
    /^\/pay$/,
    (c, b) => c.pay({ from: str(b, 'from') as string, to: str(b, 'to') as string, tokens: int(b, 'tokens') as number })
  ],
  ['GET', /^\/payments$/, (c) => c.network.paymentLog],
  [
    'GET',
    /^\/faults$/,
    (c) => ({
      rules: c.network.faults.listRules(),
      held: c.network.faults.listHeld(),
      hopLatencyMs: c.network.faults.hopLatencyMs,
      rpcLatencyMs: Object.fromEntries(c.network.faults.rpcLatencyMs),
      methodLatencyMs: Object.fromEntries(c.network.faults.methodLatencyMs)
    })
  ],
  ['POST', /^\/faults$/, (c, b) => c.addFault(parseFault(b))],
  [
    'POST',
    /^\/faults\/release$/,
    (c, b) => {
      const how = b.outcome ?? 'settle'
      if (how !== 'settle' && how !== 'fail') throw new HttpError(400, 'outcome: expected "settle" or "fail"')
      if (b.id === undefined) return { released: c.network.faults.releaseAll(how) }
      const id = str(b, 'id') as string
      if (!c.network.faults.release(id, how)) throw new HttpError(404, `no held payment ${id}`)
      return { released: 1 }
    }
  ],
  [
    'DELETE',
    /^\/faults$/,
    (c) => {
      c.network.faults.clear()
      return { cleared: true }
    }
  ],
  ['GET', /^\/stats$/, (c) => c.callStats()]
]

/** The simulator's control API on 127.0.0.1: JSON in, JSON out, a clear error for every bad request. */
export class ControlServer {
  private constructor(
    private readonly server: Server,
    readonly url: string
  ) {}

  static async start(cluster: SimCluster, port = 0): Promise<ControlServer> {
    const server = createServer((req, res) => {
      void handle(cluster, req, res)
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, '127.0.0.1', () => resolve())
    })
    const address = server.address()
    if (!address || typeof address === 'string') throw new Error('control API did not bind a TCP port')
    return new ControlServer(server, `http://127.0.0.1:${address.port}`)
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}

async function handle(cluster: SimCluster, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const send = (status: number, value: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(value))
  }
  try {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname
    const matches = routes.filter(([, pattern]) => pattern.test(path))
    if (matches.length === 0) throw new HttpError(404, `no route ${path}`)
    const route = matches.find(([method]) => method === req.method)
    if (!route) throw new HttpError(405, `${req.method} not allowed on ${path}`)
    const params = (route[1].exec(path) as RegExpExecArray).slice(1)
    const body = req.method === 'POST' ? await readJson(req) : {}
    send(200, await route[2](cluster, body, params))
  } catch (err) {
    if (err instanceof HttpError) return send(err.status, { error: err.message })
    // Model errors (unknown node, a channel that does not fit, ...) are the caller's mistake.
    send(400, { error: (err as Error).message })
  }
}
