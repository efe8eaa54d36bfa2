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

  /**
   * What CLN (or anything on the way) wrote, fit for an error message: the rune cut out (a node or
   * proxy that quotes the request must not carry it into logs, events or the ledger), and bounded.
   */
  private clean(text: string): string {
    const rune = this.opts.rune
    return (rune.length >= 8 ? text.split(rune).join('[redacted]') : text).slice(0, 500)
  }

  /**
   * Calls `method` with named params; resolves with CLN's result (HTTP 201), always a JSON object.
   * Bounded as a whole by `bound.timeoutMs` (a socket idle timeout alone would let an answer that
   * trickles in hold the call forever).
   */
  call<T>(
    method: string,
    params: Record<string, unknown>,
    bound: { timeoutMs: number; signal?: AbortSignal }
  ): Promise<T> {
    const body = JSON.stringify(params)
    const secure = this.base.protocol === 'https:'
    const request = secure ? https.request : http.request
    return new Promise<T>((resolveCall, rejectCall) => {
      let timedOut = false
      const deadline = setTimeout(() => {
        timedOut = true
        req.destroy(new Error(`no answer within ${Math.round(bound.timeoutMs / 1000)} s`))
      }, bound.timeoutMs)
      const resolve = (v: T): void => {
        clearTimeout(deadline)
        resolveCall(v)
      }
      const reject = (e: Error): void => {
        clearTimeout(deadline)
        rejectCall(e)
      }
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
          res.on('error', (err) => reject(new ClnConnectionError(`${method}: ${this.clean(err.message)}`, timedOut)))
          res.on('end', () => {
            const status = res.statusCode ?? 0
            let parsed: unknown
            try {
              parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'))
            } catch {
              return reject(new ClnConnectionError(`${method}: HTTP ${status} without a JSON body`))
            }
            if (status === 201 || status === 200) {
              // Every method Tightrope calls answers an object: anything else is not clnrest's answer.
              if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
                return reject(new ClnConnectionError(`${method}: HTTP ${status} without a JSON object`))
              return resolve(parsed as T)
            }
            const e = parsed as { code?: unknown; message?: unknown; data?: unknown } | null
            if (e === null || typeof e !== 'object' || typeof e.message !== 'string')
              return reject(new ClnConnectionError(`${method}: HTTP ${status} without an error body`))
            reject(
              new ClnRpcError(
                method,
                status,
                typeof e.code === 'number' ? e.code : null,
                this.clean(e.message),
                e.data ?? null
              )
            )
          })
        }
      )
      req.on('error', (err: Error & { code?: string }) =>
        reject(
          new ClnConnectionError(
            `${method}: ${err.name === 'AbortError' ? 'stopped' : this.clean(err.message)}`,
            timedOut
          )
        )
      )
      req.end(body)
    })
  }

  /** Closes idle keep-alive sockets (calls in flight end on their own bound or signal). */
  close(): void {
    this.agent.destroy()
  }
}
