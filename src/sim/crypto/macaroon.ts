import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/**
 * LND-style macaroons: the V2 binary format, an HMAC-SHA256 signature chain from the node's root
 * key, and LND's identifier (version 3 + protobuf MacaroonId { nonce, storageId, ops[] }) that
 * carries the permissions. First-party caveats are verified in the chain; like LND, a caveat whose
 * condition the simulator does not know makes the macaroon invalid.
 */
export interface Permission { entity: string; action: string }

export const permissionDeniedMessage = 'permission denied'

const rw = (entity: string): Permission[] => [{ entity, action: 'read' }, { entity, action: 'write' }]
export const ADMIN_PERMISSIONS: Permission[] = [
  ...rw('onchain'), ...rw('offchain'), ...rw('address'), ...rw('message'), ...rw('peers'), ...rw('info'), ...rw('invoices'),
  { entity: 'signer', action: 'generate' }, { entity: 'signer', action: 'read' },
  { entity: 'macaroon', action: 'generate' }, { entity: 'macaroon', action: 'read' }, { entity: 'macaroon', action: 'write' }
]

const p = (entity: string, action: string): Permission[] => [{ entity, action }]
/** What each RPC the simulator serves requires (LND's rpcserver.go, routerrpc and invoicesrpc tables). */
export const REQUIRED_PERMISSIONS: Record<string, Permission[]> = {
  '/lnrpc.Lightning/GetInfo': p('info', 'read'),
  '/lnrpc.Lightning/ListChannels': p('offchain', 'read'),
  '/lnrpc.Lightning/GetChanInfo': p('info', 'read'),
  '/lnrpc.Lightning/ChannelBalance': p('offchain', 'read'),
  '/lnrpc.Lightning/AddInvoice': p('invoices', 'write'),
  '/lnrpc.Lightning/LookupInvoice': p('invoices', 'read'),
  '/lnrpc.Lightning/SubscribeInvoices': p('invoices', 'read'),
  '/lnrpc.Lightning/DecodePayReq': p('offchain', 'read'),
  '/lnrpc.Lightning/ListPayments': p('offchain', 'read'),
  '/lnrpc.Lightning/SubscribeChannelEvents': p('offchain', 'read'),
  '/lnrpc.Lightning/SignMessage': p('message', 'write'),
  '/lnrpc.Lightning/VerifyMessage': p('message', 'read'),
  '/routerrpc.Router/SendPaymentV2': p('offchain', 'write'),
  '/routerrpc.Router/TrackPaymentV2': p('offchain', 'read'),
  '/routerrpc.Router/SubscribeHtlcEvents': p('offchain', 'read'),
  '/invoicesrpc.Invoices/SubscribeSingleInvoice': p('invoices', 'read'),
  '/invoicesrpc.Invoices/CancelInvoice': p('invoices', 'write')
}

export function hasPermissions (granted: Permission[], required: Permission[]): boolean {
  return required.every((r) => granted.some((g) => g.entity === r.entity && g.action === r.action))
}

const hmac = (key: Uint8Array, data: Uint8Array): Buffer => createHmac('sha256', key).update(data).digest()
const derive = (rootKey: Uint8Array): Buffer => hmac(Buffer.from('macaroons-key-generator'), rootKey)

// --- tiny protobuf + varint helpers (only what MacaroonId needs) ---
function varint (n: number): Buffer {
  const out: number[] = []
  while (n > 127) { out.push((n & 127) | 128); n >>>= 7 }
  out.push(n)
  return Buffer.from(out)
}
function readVarint (buf: Buffer, pos: number): [number, number] {
  let n = 0; let shift = 0
  for (;;) {
    if (pos >= buf.length || shift > 28) throw new Error('truncated varint')
    const b = buf[pos++] as number
    n |= (b & 127) << shift
    if (b < 128) return [n >>> 0, pos]
    shift += 7
  }
}
const pbField = (tag: number, data: Buffer): Buffer => Buffer.concat([varint((tag << 3) | 2), varint(data.length), data])
function pbFields (buf: Buffer): Array<[number, Buffer]> {
  const out: Array<[number, Buffer]> = []
  let pos = 0
  while (pos < buf.length) {
    let key: number; let len: number
    [key, pos] = readVarint(buf, pos)
    if ((key & 7) !== 2) throw new Error('unexpected protobuf wire type')
    ;[len, pos] = readVarint(buf, pos)
    if (pos + len > buf.length) throw new Error('truncated protobuf field')
    out.push([key >>> 3, buf.subarray(pos, pos + len)])
    pos += len
  }
  return out
}

function encodeId (permissions: Permission[]): Buffer {
  const byEntity = new Map<string, string[]>()
  for (const perm of permissions) byEntity.set(perm.entity, [...(byEntity.get(perm.entity) ?? []), perm.action])
  const ops = [...byEntity].map(([entity, actions]) => pbField(3, Buffer.concat([pbField(1, Buffer.from(entity)), ...actions.map((a) => pbField(2, Buffer.from(a)))])))
  return Buffer.concat([Buffer.from([3]), pbField(1, randomBytes(32)), pbField(2, Buffer.from('0')), ...ops])
}

function decodeId (id: Buffer): Permission[] {
  if (id[0] !== 3) throw new Error(`unknown macaroon identifier version ${id[0]}`)
  const perms: Permission[] = []
  for (const [tag, data] of pbFields(id.subarray(1))) {
    if (tag !== 3) continue
    let entity = ''
    const actions: string[] = []
    for (const [t, d] of pbFields(data)) {
      if (t === 1) entity = d.toString()
      if (t === 2) actions.push(d.toString())
    }
    for (const action of actions) perms.push({ entity, action })
  }
  return perms
}

// --- macaroon V2 binary format ---
const FIELD = { EOS: 0, LOCATION: 1, IDENTIFIER: 2, VID: 4, SIGNATURE: 6 }
const field = (type: number, data: Buffer): Buffer => Buffer.concat([varint(type), varint(data.length), data])

export function mintMacaroon (args: { rootKey: Uint8Array; permissions: Permission[]; caveats?: string[] }): Buffer {
  const id = encodeId(args.permissions)
  let sig = hmac(derive(args.rootKey), id)
  const parts = [Buffer.from([2]), field(FIELD.LOCATION, Buffer.from('lnd')), field(FIELD.IDENTIFIER, id), Buffer.from([FIELD.EOS])]
  for (const caveat of args.caveats ?? []) {
    const cid = Buffer.from(caveat)
    parts.push(field(FIELD.IDENTIFIER, cid), Buffer.from([FIELD.EOS]))
    sig = hmac(sig, cid)
  }
  parts.push(Buffer.from([FIELD.EOS]), field(FIELD.SIGNATURE, sig))
  return Buffer.concat(parts)
}

interface Parsed { id: Buffer; caveats: Buffer[]; signature: Buffer }

function parse (buf: Buffer): Parsed {
  if (buf[0] !== 2) throw new Error('unsupported macaroon version')
  let pos = 1
  const next = (): [number, Buffer | undefined] => {
    let type: number; let len: number
    [type, pos] = readVarint(buf, pos)
    if (type === FIELD.EOS) return [type, undefined]
    ;[len, pos] = readVarint(buf, pos)
    if (pos + len > buf.length) throw new Error('field data extends past end of buffer')
    const data = buf.subarray(pos, pos + len)
    pos += len
    return [type, data]
  }
  let id: Buffer | undefined
  for (let [type, data] = next(); type !== FIELD.EOS; [type, data] = next()) if (type === FIELD.IDENTIFIER) id = data
  if (!id) throw new Error('no identifier found')
  const caveats: Buffer[] = []
  for (;;) {
    const [type, data] = next()
    if (type === FIELD.EOS) break
    let cid = type === FIELD.IDENTIFIER ? data : undefined
    for (let [t, d] = next(); t !== FIELD.EOS; [t, d] = next()) if (t === FIELD.IDENTIFIER) cid = d
    if (!cid) throw new Error('caveat without identifier')
    caveats.push(cid)
  }
  const [type, signature] = next()
  if (type !== FIELD.SIGNATURE || !signature || signature.length !== 32) throw new Error('no signature found')
  return { id, caveats, signature }
}

/** LND reads the macaroon from the `macaroon` metadata entry as hex. */
export function macaroonFromMetadata (values: string[]): { ok: true; bytes: Buffer } | { ok: false; error: string } {
  if (values.length !== 1) return { ok: false, error: `expected 1 macaroon, got ${values.length}` }
  const hex = values[0] as string
  if (!/^([0-9a-fA-F]{2})*$/.test(hex)) return { ok: false, error: 'encoding/hex: invalid byte in macaroon' }
  return { ok: true, bytes: Buffer.from(hex, 'hex') }
}

export function verifyMacaroon (bytes: Buffer, rootKey: Uint8Array): { ok: true; permissions: Permission[] } | { ok: false; error: string } {
  let parsed: Parsed
  try {
    parsed = parse(bytes)
  } catch (err) {
    return { ok: false, error: `unable to unmarshal macaroon: ${(err as Error).message}` }
  }
  let sig = hmac(derive(rootKey), parsed.id)
  for (const caveat of parsed.caveats) sig = hmac(sig, caveat)
  if (!timingSafeEqual(sig, parsed.signature)) return { ok: false, error: 'verification failed: signature mismatch after caveat verification' }
  for (const caveat of parsed.caveats) {
    return { ok: false, error: `verification failed: caveat ${JSON.stringify(caveat.toString())} not satisfied: unknown condition` }
  }
  try {
    return { ok: true, permissions: decodeId(parsed.id) }
  } catch (err) {
    return { ok: false, error: `unable to decode macaroon identifier: ${(err as Error).message}` }
  }
}
