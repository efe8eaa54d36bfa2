import { randomBytes } from 'node:crypto'
import {
  checkRestrictions,
  decodeRune,
  encodeRune,
  isAuthentic,
  restrictionsAsEnglish,
  restrictionsFromParam,
  restrictionsToText,
  type Restriction,
  type Rune
} from '../crypto/rune.js'
import { ClnError, invalidParam, notAuthorized, notPermitted } from './errors.js'
import type { Params } from './params.js'

/** The methods Tightrope needs and nothing else (contract §2.4): what nodes.json's rune allows. */
export const LEAST_PRIVILEGE_METHODS = [
  'getinfo',
  'listpeerchannels',
  'invoice',
  'listinvoices',
  'delinvoice',
  'decode',
  'sendpay',
  'waitsendpay',
  'listsendpays',
  'listpays',
  'signmessage',
  'checkmessage',
  'wait',
  'waitanyinvoice',
  'listclnrest-notifications'
]

export const leastPrivilegeRestrictions = (): Restriction[] => [
  LEAST_PRIVILEGE_METHODS.map((m) => ({ field: 'method', op: '=', value: m }))
]

/**
 * One CLN node's runes (lightningd/runes.c): its secret, the unique ids it handed out, when each
 * was last used (for rate= and per=) and the blacklist. At start it issues an unrestricted rune
 * (id 0, the operator's) and the least-privilege one (id 1) that nodes.json carries.
 */
export class RuneStore {
  private readonly secret = randomBytes(32)
  private nextId = 0
  private readonly lastUsed = new Map<string, number>()
  private readonly blacklist: Array<{ start: number; end: number }> = []
  private readonly issued: string[] = []
  readonly adminRune: string
  readonly leastPrivilegeRune: string

  constructor() {
    this.adminRune = this.create([])
    this.leastPrivilegeRune = this.create(leastPrivilegeRestrictions())
  }

  private create(restrictions: Restriction[], base?: Rune): string {
    const uniqueId = base ? base.uniqueId : String(this.nextId++)
    const rune = encodeRune(this.secret, uniqueId, [...(base?.restrictions ?? []), ...restrictions])
    this.issued.push(rune)
    return rune
  }

  /** Not this node's (1501), blacklisted (1503), else the parsed rune. */
  private authentic(text: string): Rune {
    let rune: Rune
    try {
      rune = decodeRune(text)
    } catch {
      throw invalidParam('rune', 'base64 string: invalid token (see logs for details)')
    }
    if (!isAuthentic(this.secret, rune)) throw notAuthorized('Not derived from master')
    const id = Number(rune.uniqueId)
    if (this.blacklist.some((b) => id >= b.start && id <= b.end))
      throw new ClnError(401, 1503, 'Not authorized: Blacklisted rune')
    return rune
  }

  /** clnrest's checkrune before dispatch: no nodeid, params = the body. A success records the use. */
  check(text: string, method: string, params: Params, nowMs = Date.now()): void {
    const rune = this.authentic(text)
    const lastUsedMs = this.lastUsed.get(rune.uniqueId)
    const reason = checkRestrictions(rune.restrictions, {
      method,
      params,
      nowMs,
      ...(lastUsedMs !== undefined ? { lastUsedMs } : {})
    })
    if (reason !== undefined) throw notPermitted(reason)
    this.lastUsed.set(rune.uniqueId, nowMs)
  }

  createrune(p: Params): { rune: string; unique_id: string; warning_unrestricted_rune?: string } {
    let restrictions: Restriction[]
    try {
      restrictions = p.restrictions === undefined ? [] : restrictionsFromParam(p.restrictions)
    } catch (err) {
      throw new ClnError(500, -32602, (err as Error).message)
    }
    const base = typeof p.rune === 'string' ? this.authentic(p.rune) : undefined
    const rune = this.create(restrictions, base)
    const parsed = decodeRune(rune)
    return {
      rune,
      unique_id: parsed.uniqueId,
      ...(parsed.restrictions.length === 0
        ? {
            warning_unrestricted_rune:
              "WARNING: This rune has no restrictions! Anyone who has access to this rune could drain funds from your node. Be careful when giving this to apps that you don't trust. Consider using the restrictions parameter to only allow access to specific rpc methods."
          }
        : {})
    }
  }

  showrunes(p: Params): { runes: unknown[] } {
    const list = typeof p.rune === 'string' ? [p.rune] : this.issued
    return {
      runes: list.map((text) => {
        const r = decodeRune(text)
        const id = Number(r.uniqueId)
        const last = this.lastUsed.get(r.uniqueId)
        return {
          rune: text,
          unique_id: r.uniqueId,
          restrictions: r.restrictions.map((alts) => ({
            alternatives: alts.map((a) => `${a.field}${a.op}${a.value}`),
            english: restrictionsAsEnglish([alts])
          })),
          restrictions_as_english: restrictionsAsEnglish(r.restrictions),
          ...(this.blacklist.some((b) => id >= b.start && id <= b.end) ? { blacklisted: true } : {}),
          ...(last !== undefined ? { last_used: last / 1000 } : {}),
          ...(this.issued.includes(text) ? {} : { stored: false })
        }
      })
    }
  }

  checkrune(p: Params): { valid: true } {
    if (typeof p.rune !== 'string') throw invalidParam('rune', 'base64 string', p.rune)
    const params =
      typeof p.params === 'object' && p.params !== null && !Array.isArray(p.params) ? (p.params as Params) : {}
    this.check(p.rune, typeof p.method === 'string' ? p.method : '', params)
    return { valid: true }
  }

  blacklistrune(p: Params): { blacklist: Array<{ start: number; end: number }> } {
    const start = p.start
    if (start !== undefined) {
      const end = p.end ?? start
      if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || (end as number) < (start as number))
        throw invalidParam('start', 'an unsigned 64 bit integer not above end', start)
      if (p.relist === true)
        this.blacklist.splice(
          0,
          this.blacklist.length,
          ...this.blacklist.filter((b) => b.end < (start as number) || b.start > (end as number))
        )
      else this.blacklist.push({ start: start as number, end: end as number })
    }
    return { blacklist: [...this.blacklist] }
  }

  /** The restriction text of a rune (for docs and tests). */
  static describe(text: string): string {
    const r = decodeRune(text)
    return restrictionsToText(r.uniqueId, r.restrictions)
  }
}
