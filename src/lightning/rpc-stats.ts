/** LND RPC latency and errors per node and method, for the metrics endpoint. Bounded by the method set. */
export interface RpcStat {
  count: number
  errors: number
  seconds: number
}

export class RpcStats {
  readonly byKey = new Map<string, RpcStat & { node: string; method: string }>()

  record(node: string, r: { method: string; ms: number; ok: boolean }): void {
    const key = `${node}\u0000${r.method}`
    const stat = this.byKey.get(key) ?? { node, method: r.method, count: 0, errors: 0, seconds: 0 }
    stat.count++
    stat.seconds += r.ms / 1000
    if (!r.ok) stat.errors++
    this.byKey.set(key, stat)
  }
}
