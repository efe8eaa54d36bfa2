import { BlockList, isIP } from 'node:net'
import { goQuote } from './go-format.js'

/**
 * First-party caveat checks as LND registers them: the bakery's standard `time-before` and
 * `error`, and LND's own `ipaddr` and `iprange` (macaroons/constraints.go). Any other condition,
 * including the bakery's `declared` and LND's `lnd-custom` (which need middleware the simulator
 * does not have), is refused as "caveat not recognized", the answer LND gives to conditions it
 * does not know. Messages are the bakery's: `caveat "<caveat>" not satisfied: <reason>`.
 */
export interface CaveatContext {
  now: Date
  /** The caller's IP as LND's gRPC peer info would give it; without it ipaddr/iprange fail like LND without peer info. */
  peerAddress?: string
}

type Check = (arg: string, ctx: CaveatContext) => string | undefined

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/

/** Nanoseconds since the epoch, as Go keeps them (JS dates stop at milliseconds). */
function rfc3339Nanos(arg: string): bigint | undefined {
  const m = RFC3339.exec(arg)
  const whole = m ? Date.parse(arg.replace(m[7] ?? '', '')) : NaN
  if (!m || Number.isNaN(whole)) return undefined
  return BigInt(whole) * 1_000_000n + BigInt((m[7] ?? '.').slice(1).padEnd(9, '0').slice(0, 9))
}

const timeBefore: Check = (arg, ctx) => {
  const t = rfc3339Nanos(arg)
  // Go's time.Parse error names the layout element that failed; we can only name the first one.
  if (t === undefined)
    return `parsing time ${goQuote(arg)} as "2006-01-02T15:04:05.999999999Z07:00": cannot parse ${goQuote(arg)} as "2006"`
  return BigInt(ctx.now.getTime()) * 1_000_000n < t ? undefined : 'macaroon has expired'
}

const PEER_MISSING = 'unable to get peer info from context'
const family = (ip: string): 'ipv4' | 'ipv6' => (isIP(ip) === 6 ? 'ipv6' : 'ipv4')

const ipAddr: Check = (arg, ctx) => {
  if (ctx.peerAddress === undefined) return PEER_MISSING
  if (isIP(ctx.peerAddress) === 0) return 'unable to parse peer address'
  const rule = new BlockList()
  if (isIP(arg) !== 0) rule.addAddress(arg, family(arg))
  return isIP(arg) !== 0 && rule.check(ctx.peerAddress, family(ctx.peerAddress))
    ? undefined
    : 'macaroon locked to different IP address'
}

const ipRange: Check = (arg, ctx) => {
  if (ctx.peerAddress === undefined) return PEER_MISSING
  if (isIP(ctx.peerAddress) === 0)
    return `unable to parse peer address: address ${ctx.peerAddress}: missing port in address`
  const [net, bits, extra] = arg.split('/')
  const prefix = Number(bits)
  const max = isIP(net ?? '') === 6 ? 128 : 32
  if (extra !== undefined || isIP(net ?? '') === 0 || !/^\d+$/.test(bits ?? '') || prefix > max) {
    return `unable to parse macaroon IP range: invalid CIDR address: ${arg}`
  }
  const rule = new BlockList()
  rule.addSubnet(net as string, prefix, family(net as string))
  return rule.check(ctx.peerAddress, family(ctx.peerAddress)) ? undefined : 'macaroon locked to different IP range'
}

const CHECKS: Record<string, Check> = {
  'time-before': timeBefore,
  error: () => 'bad caveat',
  ipaddr: ipAddr,
  iprange: ipRange
}

/** Returns the bakery's error for a caveat that does not hold, or undefined when it holds. */
export function checkFirstPartyCaveat(caveat: Buffer, ctx: CaveatContext): string | undefined {
  const cav = caveat.toString('utf8')
  const quoted = goQuote(caveat)
  if (cav === '') return `cannot parse caveat ${quoted}: empty caveat`
  const space = cav.indexOf(' ')
  if (space === 0) return `cannot parse caveat ${quoted}: caveat starts with space character`
  const cond = space < 0 ? cav : cav.slice(0, space)
  const arg = space < 0 ? '' : cav.slice(space + 1)
  const check = CHECKS[cond]
  if (!check) return `caveat ${quoted} not satisfied: caveat not recognized`
  const failure = check(arg, ctx)
  return failure === undefined ? undefined : `caveat ${quoted} not satisfied: ${failure}`
}
