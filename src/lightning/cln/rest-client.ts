import http from 'node:http'
import https from 'node:https'
import { isIP } from 'node:net'

/**
 * One clnrest endpoint: POST /v1/<method> with the rune in a header, over keep-alive HTTPS pinned
 * to clnrest's own CA. Every call is bounded in time and abortable. Errors come out as one of two
 * kinds, so callers can tell "CLN said no" from "CLN is not there".
 */

/** CLN answered with an error body {code, message, data} (HTTP 4xx/5xx). */
export class ClnRpcError extends Error {
  constructor(
    readonly method: string,
    readonly status: number,
    readonly code: number | null,
    message: string,
    readonly data: unknown
  ) {
    super(message)
    this.name = 'ClnRpcError'
  }
}

/** No usable answer: refused, reset, TLS failure, timeout, or a body that is not clnrest's. */
export class ClnConnectionError extends Error {
  /** `timedOut`: nothing came back within the call's bound (for a long-poll, just an idle wait). */
  constructor(
    message: string,
    readonly timedOut = false
  ) {
    super(message)
    this.name = 'ClnConnectionError'
  }
}

export interface ClnRestOptions {
  url: string
  rune: string
  /** clnrest's CA PEM (decoded); absent: the system's trusted CAs. */
  ca?: Buffer | undefined
}

/** Longest answer accepted: listpeerchannels of a big node is well under this. */
const MAX_BODY_BYTES = 32 * 1024 * 1024

export class ClnRestClient {
  private readonly agent: http.Agent
  private readonly base: URL
  private readonly servername: string | undefined

  constructor(private readonly opts: ClnRestOptions) {
    this.base = new URL(opts.url)
    const secure = this.base.protocol === 'https:'
    // clnrest's certificate names "localhost" (and "cln"), and an IP SAN only when clnrest made
    // it itself (cln-grpc's certs have none): with its own CA pinned, an IP literal is checked as
    // "localhost". Safe: that CA signs nothing but this node's certificates.
    const host = this.base.hostname.replace(/^\[|\]$/g, '')
    this.servername = secure && opts.ca !== undefined && isIP(host) !== 0 ? 'localhost' : undefined
    this.agent = secure
      ? new https.Agent({ keepAlive: true, maxSockets: 16, ...(opts.ca ? { ca: opts.ca } : {}) })
      : new http.Agent({ keepAlive: true, maxSockets: 16 })
  }

  /** Calls `method` with named params; resolves with CLN's result (HTTP 201). */
  call<T>(
    method: string,
    params: Record<string, unknown>,
    bound: { timeoutMs: number; signal?: AbortSignal }
  ): Promise<T> {
    const body = JSON.stringify(params)
    const secure = this.base.protocol === 'https:'
    const request = secure ? https.request : http.request
    return new Promise<T>((resolve, reject) => {
      const req = request(
        {
          agent: this.agent,
          protocol: this.base.protocol,
          hostname: this.base.hostname.replace(/^\[|\]$/g, ''),
          port: this.base.port,
          path: `/v1/${method}`,
          method: 'POST',
          ...(this.servername !== undefined ? { servername: this.servername } : {}),
          headers: {
            Rune: this.opts.rune,
            'Content-Type': 'application/json',
            Accept: 'application/json',
            'Content-Length': Buffer.byteLength(body)
          },
          timeout: bound.timeoutMs,
          ...(bound.signal ? { signal: bound.signal } : {})
        },
        (res) => {
          const chunks: Buffer[] = []
          let size = 0
          res.on('data', (c: Buffer) => {
            size += c.length
            if (size > MAX_BODY_BYTES) req.destroy(new Error(`answer over ${MAX_BODY_BYTES} bytes`))
            else chunks.push(c)
          })
          res.on('error', (err) => reject(new ClnConnectionError(`${method}: ${err.message}`)))
          res.on('end', () => {
            const status = res.statusCode ?? 0
            let parsed: unknown
            try {
              parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'))
            } catch {
              return reject(new ClnConnectionError(`${method}: HTTP ${status} without a JSON body`))
            }
            if (status === 201 || status === 200) return resolve(parsed as T)
            const e = parsed as { code?: unknown; message?: unknown; data?: unknown } | null
            if (e === null || typeof e !== 'object' || typeof e.message !== 'string')
              return reject(new ClnConnectionError(`${method}: HTTP ${status} without an error body`))
            reject(
              new ClnRpcError(
                method,
                status,
                typeof e.code === 'number' ? e.code : null,
                e.message.slice(0, 500),
                e.data ?? null
              )
            )
          })
        }
      )
      let timedOut = false
      req.on('timeout', () => {
        timedOut = true
        req.destroy(new Error(`no answer within ${Math.round(bound.timeoutMs / 1000)} s`))
      })
      req.on('error', (err: Error & { code?: string }) =>
        reject(new ClnConnectionError(`${method}: ${err.name === 'AbortError' ? 'stopped' : err.message}`, timedOut))
      )
      req.end(body)
    })
  }

  /** Closes idle keep-alive sockets (calls in flight end on their own bound or signal). */
  close(): void {
    this.agent.destroy()
  }
}
