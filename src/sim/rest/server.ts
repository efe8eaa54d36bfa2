import { createServer, type Server } from 'node:https'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { SimNetwork, SimNode } from '../model/network.js'
import { createClnTls } from '../crypto/tls.js'
import { ClnError } from './errors.js'
import type { Params } from './params.js'
import { ClnState } from './state.js'
import { RuneStore } from './runes.js'
import { METHODS } from './methods.js'

/** What a method handler gets: the model, the node, its CLN state and runes, and the request's end. */
export interface MethodContext {
  network: SimNetwork
  node: SimNode
  state: ClnState
  runes: RuneStore
  /** Aborted when the client goes away or the server stops (long-polls stop waiting). */
  signal: AbortSignal
  port: number
}

export type Method = (params: Params, ctx: MethodContext) => unknown

const MAX_BODY = 1024 * 1024
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Absent, JSON or a wildcard type means JSON (clnrest also takes yaml, xml and form, which nobody here sends). */
function contentTypeOk(header: string | undefined): boolean {
  if (header === undefined || header === '') return true
  const type = (header.split(';')[0] as string).trim().toLowerCase()
  return type === 'application/json' || type === '*/*' || type === 'application/*'
}

/**
 * One simulated Core Lightning node's clnrest (plugins/rest-plugin): HTTPS on 127.0.0.1 with its
 * own CA, `POST /v1/<method>` with a JSON object of named params, the rune checked before the
 * method runs, 201 with the bare result on success and `{code, message, data}` otherwise. It can
 * stop and start again on the same port (the node going offline and coming back).
 */
export class ClnRestServer {
  port = 0
  readonly calls = new Map<string, number>()
  readonly state: ClnState
  readonly runes = new RuneStore()
  private server: Server | undefined
  private readonly sockets = new Set<Socket>()
  private aborts = new AbortController()

  private constructor(
    readonly network: SimNetwork,
    readonly node: SimNode,
    readonly caPem: string,
    private readonly certPem: string,
    private readonly keyPem: string
  ) {
    this.state = new ClnState(network, node)
  }

  static async create(network: SimNetwork, node: SimNode): Promise<ClnRestServer> {
    const tls = await createClnTls()
    return new ClnRestServer(network, node, tls.caPem, tls.certPem, tls.keyPem)
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`
  }
  get running(): boolean {
    return this.server !== undefined
  }

  totalCalls(): number {
    let n = 0
    for (const c of this.calls.values()) n += c
    return n
  }

  async start(): Promise<void> {
    if (this.server) return
    this.aborts = new AbortController()
    const server = createServer({ key: this.keyPem, cert: this.certPem }, (req, res) => {
      void this.handle(req, res)
    })
    server.on('secureConnection', (socket: Socket) => {
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.port, '127.0.0.1', () => resolve())
    })
    const address = server.address()
    if (!address || typeof address === 'string') throw new Error('clnrest did not bind a TCP port')
    this.port = address.port
    this.server = server
  }

  /** Stops at once, as a stopped lightningd: new connections are refused, open ones cut. */
  async stop(): Promise<void> {
    const server = this.server
    if (!server) return
    this.server = undefined
    this.aborts.abort()
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    for (const s of this.sockets) s.destroy()
    this.sockets.clear()
    server.closeAllConnections()
    await closed
  }

  /** Closes the node for good (the cluster stops). */
  async close(): Promise<void> {
    await this.stop()
    this.state.close()
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const request = new AbortController()
    const onStop = (): void => request.abort()
    this.aborts.signal.addEventListener('abort', onStop)
    res.on('close', onStop)
    try {
      const body = await this.answer(req, request.signal)
      if (body instanceof HtmlPage) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        res.end(body.html)
      } else send(res, 201, body)
    } catch (err) {
      if (err instanceof ClnError) send(res, err.status, err.body())
      else {
        // A simulator bug: say so instead of hanging the client.
        console.error('[sim] clnrest handler failed:', err)
        send(res, 500, { code: -32603, message: (err as Error)?.message ?? String(err), data: null })
      }
    } finally {
      this.aborts.signal.removeEventListener('abort', onStop)
    }
  }

  /** clnrest's order: path, HTTP method, content type, body, rune, then the RPC. */
  private async answer(req: IncomingMessage, signal: AbortSignal): Promise<unknown> {
    const path = new URL(req.url ?? '/', 'https://127.0.0.1').pathname
    if (path === '/v1/list-methods' && req.method === 'GET') return new HtmlPage(listMethodsPage())
    const m = /^\/v1\/([^/]+)$/.exec(path)
    if (!m) throw new ClnError(404, -32601, 'Path not found')
    if (req.method !== 'POST') throw new ClnError(405, -32601, 'Path invalid, http_method must be POST for CLN methods')
    let method: string
    try {
      method = decodeURIComponent(m[1] as string)
    } catch {
      throw new ClnError(404, -32601, 'Path not found')
    }
    this.calls.set(`/v1/${method}`, (this.calls.get(`/v1/${method}`) ?? 0) + 1)
    const ct = req.headers['content-type']
    if (!contentTypeOk(ct)) throw new ClnError(406, null, `Unsupported content-type header: ${ct}`)
    const params = await readParams(req)
    const latency = this.network.faults.rpcLatency(this.node.alias, method)
    if (latency > 0) await sleep(latency)
    const rune = req.headers.rune
    if (typeof rune !== 'string' || rune === '') throw new ClnError(403, 1501, 'Not authorized: Missing rune')
    this.runes.check(rune, method, params)
    const handler = Object.hasOwn(METHODS, method) ? METHODS[method] : undefined
    if (!handler) throw new ClnError(404, -32601, `Unknown command '${method}'`)
    // Keys whose value is null are dropped before the call (they still counted for the rune).
    const call = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== null))
    const result = await handler(call, {
      network: this.network,
      node: this.node,
      state: this.state,
      runes: this.runes,
      signal,
      port: this.port
    })
    // clnrest checks Accept only after the RPC ran: the command has had its effect either way.
    const accept = req.headers.accept
    if (!contentTypeOk(accept)) throw new ClnError(406, null, `Unsupported accept header: ${accept}`)
    return result
  }
}

/** A reply that is not JSON (GET /v1/list-methods). */
class HtmlPage {
  constructor(readonly html: string) {}
}

function listMethodsPage(): string {
  const items = Object.keys(METHODS)
    .sort()
    .map((m) => `<li>${m}</li>`)
    .join('')
  return `<!DOCTYPE html><html><body><h1>Methods</h1><ul>${items}</ul></body></html>`
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.writableEnded || res.destroyed) return
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

async function readParams(req: IncomingMessage): Promise<Params> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY) throw new ClnError(413, null, 'Payload too large')
    chunks.push(chunk as Buffer)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  if (text.trim() === '') return {}
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    throw new ClnError(500, null, `Could not parse json request: ${(err as Error).message}`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ClnError(500, null, 'Could not parse json request: expected an object of named parameters')
  return value as Params
}
