import { invalidParam } from './errors.js'

/** Named params of one call, read the way lightningd's param_* parsers read them. */
export type Params = Record<string, unknown>

export function str(p: Params, name: string): string {
  const v = p[name]
  if (typeof v !== 'string') throw invalidParam(name, 'a string', v)
  return v
}

export function optStr(p: Params, name: string): string | undefined {
  return p[name] === undefined ? undefined : str(p, name)
}

export function hex32(p: Params, name: string): string {
  const v = p[name]
  if (typeof v !== 'string' || !/^[0-9a-fA-F]{64}$/.test(v)) throw invalidParam(name, 'a 32 byte hex value', v)
  return v.toLowerCase()
}

export function optU64(p: Params, name: string): number | undefined {
  const v = p[name]
  if (v === undefined) return undefined
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
    throw invalidParam(name, 'an unsigned 64 bit integer', v)
  return n
}

export function u64(p: Params, name: string): number {
  const n = optU64(p, name)
  if (n === undefined) throw invalidParam(name, 'an unsigned 64 bit integer', p[name])
  return n
}

/**
 * common/amount.c parse_amount_msat: an integer, or "N", "Nmsat", "Nsat", "N.NNNsat" or
 * "N.N{1,11}btc". Returns msat; throws `<name>: should be a millisatoshi amount`.
 */
export function parseMsat(name: string, v: unknown): number {
  const bad = invalidParam(name, 'a millisatoshi amount', v)
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v) || v < 0) throw bad
    return v
  }
  if (typeof v !== 'string') throw bad
  let m: RegExpExecArray | null
  let msat: bigint
  if ((m = /^(\d+)(msat)?$/.exec(v))) msat = BigInt(m[1] as string)
  else if ((m = /^(\d+)sat$/.exec(v))) msat = BigInt(m[1] as string) * 1000n
  else if ((m = /^(\d+)\.(\d{3})sat$/.exec(v))) msat = BigInt(m[1] as string) * 1000n + BigInt(m[2] as string)
  else if ((m = /^(\d+)\.(\d{1,11})btc$/.exec(v)))
    msat = BigInt(m[1] as string) * 100_000_000_000n + BigInt((m[2] as string).padEnd(11, '0'))
  else if ((m = /^(\d+)btc$/.exec(v))) msat = BigInt(m[1] as string) * 100_000_000_000n
  else throw bad
  if (msat > BigInt(Number.MAX_SAFE_INTEGER)) throw bad
  return Number(msat)
}
