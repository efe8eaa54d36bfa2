import { request } from 'node:https'

/** What clnrest answered: the HTTP status and the parsed JSON body. */
export interface ClnReply {
  status: number
  body: any
}

export interface ClnTarget {
  /** `https://127.0.0.1:PORT`, as nodes.json has it. */
  url: string
  /** Base64 of the CA PEM, as nodes.json has it. */
  cert: string
  rune?: string
}

/**
 * A plain clnrest client written from the contract (§1.2): POST /v1/<method>, a JSON object of
 * named params, the `Rune` header, the node's CA as the only trusted root. No Tightrope code.
 */
export function clnCall(
  target: ClnTarget,
  method: string,
  params: unknown = {},
  opts: { rune?: string | null; httpMethod?: string; contentType?: string; rawBody?: string; timeoutMs?: number } = {}
): Promise<ClnReply> {
  const url = new URL(`/v1/${method}`, target.url)
  const body = opts.rawBody ?? JSON.stringify(params)
  const rune = opts.rune === undefined ? target.rune : opts.rune
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: opts.httpMethod ?? 'POST',
        // A fresh connection per call: a node taken offline is then ECONNREFUSED, not a pooled socket's hang-up.
        agent: false,
        ca: Buffer.from(target.cert, 'base64').toString('utf8'),
        headers: {
          'content-type': opts.contentType ?? 'application/json',
          'content-length': Buffer.byteLength(body),
          ...(rune ? { rune } : {})
        },
        timeout: opts.timeoutMs ?? 30_000
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          let parsed: unknown = text
          try {
            parsed = JSON.parse(text)
          } catch {
            // leave the text as it is: the test says what it expected
          }
          resolve({ status: res.statusCode ?? 0, body: parsed })
        })
        res.on('error', reject)
      }
    )
    req.on('timeout', () => req.destroy(new Error(`clnrest ${method} timed out`)))
    req.on('error', reject)
    req.end(body)
  })
}

/** How many times a simulated CLN node's clnrest answered one method (e.g. 'listpeerchannels'): ground truth. */
export function clnCalls(
  cluster: { restServer(alias: string): { calls: Map<string, number> } },
  alias: string,
  method: string
): number {
  return cluster.restServer(alias).calls.get(`/v1/${method}`) ?? 0
}
