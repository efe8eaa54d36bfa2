import { randomBytes } from 'node:crypto'
import { goHexDecode } from './go-format.js'
import { checkFirstPartyCaveat, type CaveatContext } from './macaroon-caveats.js'
import { decodeMacaroonId, encodeMacaroonId, ID_VERSION, type MacaroonId, type Permission } from './macaroon-id.js'
import {
  addFirstPartyCaveat,
  newMacaroon,
  parseMacaroon,
  serializeMacaroon,
  verifySignature,
  type Macaroon
} from './macaroon-v2.js'
import { hasPermissions, PERMISSION_DENIED, REQUIRED_PERMISSIONS, unknownMethodMessage } from './permissions.js'

/**
 * LND's macaroons end to end: minting like `lncli bakemacaroon` / admin.macaroon (location "lnd",
 * root key id "0", permissions in the identifier) and checking them in LND's order with LND's
 * words (macaroons/service.go ValidateMacaroon + CheckMacAuth, then the bakery's Allow):
 *   metadata      `expected 1 macaroon, got N`, then encoding/hex errors
 *   decoding      gopkg.in/macaroon.v2 errors (`unmarshal v2: ...`, `empty macaroon data`, ...)
 *   version / id  `unknown macaroon version: v1`, `invalid ID`
 *   identifier    `cannot retrieve macaroon: cannot unmarshal macaroon id: ...` / `...: no operations found in macaroon`
 *   root key      `cannot retrieve macaroon: cannot get macaroon: root key with id X doesn't exist`
 *   signature     `verification failed: signature mismatch after caveat verification`
 *   caveats       `caveat "..." not satisfied: ...`
 *   permissions   `permission denied`
 */
export {
  ADMIN_PERMISSIONS,
  REQUIRED_PERMISSIONS,
  PERMISSION_DENIED,
  permissionDeniedMessage,
  hasPermissions,
  unknownMethodMessage
} from './permissions.js'
export type { Permission } from './macaroon-id.js'
export type { CaveatContext } from './macaroon-caveats.js'

/** LND's macaroons.DefaultRootKeyID: the simulator, like a fresh LND, has this one root key. */
export const DEFAULT_ROOT_KEY_ID = '0'
const LOCATION = 'lnd'

export type MacaroonCheck = { ok: true; permissions: Permission[] } | { ok: false; error: string }

/** A V2 macaroon granting `permissions`, optionally restricted by first-party caveats (e.g. 'time-before <RFC 3339>'). */
export function mintMacaroon(args: { rootKey: Uint8Array; permissions: Permission[]; caveats?: string[] }): Buffer {
  if (args.permissions.length === 0) throw new Error('cannot mint a macaroon associated with no operations')
  const id = encodeMacaroonId({
    nonce: randomBytes(16),
    storageId: Buffer.from(DEFAULT_ROOT_KEY_ID),
    permissions: args.permissions
  })
  let mac = newMacaroon(args.rootKey, id, LOCATION)
  for (const caveat of args.caveats ?? []) mac = addFirstPartyCaveat(mac, caveat)
  return serializeMacaroon(mac)
}

/** LND's RawMacaroonFromContext + hex decoding: `values` are the request's `macaroon` metadata entries. */
export function macaroonFromMetadata(values: string[]): { ok: true; bytes: Buffer } | { ok: false; error: string } {
  if (values.length !== 1) return { ok: false, error: `expected 1 macaroon, got ${values.length}` }
  try {
    return { ok: true, bytes: goHexDecode(values[0] as string) }
  } catch (err) {
    return { ok: false, error: (err as Error).message }
  }
}

/** Everything CheckMacAuth checks except the permissions, which are returned for the caller to match. */
export function verifyMacaroon(
  bytes: Uint8Array,
  rootKey: Uint8Array,
  ctx: Partial<CaveatContext> = {}
): MacaroonCheck {
  let mac: Macaroon
  try {
    mac = parseMacaroon(bytes)
  } catch (err) {
    return { ok: false, error: (err as Error).message }
  }
  if (mac.version !== 2) return { ok: false, error: `unknown macaroon version: v${mac.version}` }
  if (mac.id.length < 1 || mac.id[0] !== ID_VERSION) return { ok: false, error: 'invalid ID' }
  let id: MacaroonId
  try {
    id = decodeMacaroonId(mac.id.subarray(1))
  } catch (err) {
    return { ok: false, error: `cannot retrieve macaroon: cannot unmarshal macaroon id: ${(err as Error).message}` }
  }
  if (id.ops.length === 0 || id.ops[0]?.actions.length === 0)
    return { ok: false, error: 'cannot retrieve macaroon: no operations found in macaroon' }
  if (id.storageId.toString('utf8') !== DEFAULT_ROOT_KEY_ID) {
    return {
      ok: false,
      error: `cannot retrieve macaroon: cannot get macaroon: root key with id ${id.storageId.toString('utf8')} doesn't exist`
    }
  }
  let conditions: Buffer[]
  try {
    conditions = verifySignature(mac, rootKey)
  } catch (err) {
    return { ok: false, error: `verification failed: ${(err as Error).message}` }
  }
  const context: CaveatContext = {
    now: ctx.now ?? new Date(),
    ...(ctx.peerAddress !== undefined ? { peerAddress: ctx.peerAddress } : {})
  }
  for (const condition of conditions) {
    const failure = checkFirstPartyCaveat(condition, context)
    if (failure !== undefined) return { ok: false, error: failure }
  }
  return { ok: true, permissions: id.ops.flatMap((op) => op.actions.map((action) => ({ entity: op.entity, action }))) }
}

/**
 * The whole of LND's check for one call (rpcperms checkMacaroon): a method LND has no permissions
 * for, then the macaroon, then the method's permissions (or the macaroon's `uri:<method>`).
 */
export function authorizeCall(
  fullMethod: string,
  metadataValues: string[],
  rootKey: Uint8Array,
  ctx: Partial<CaveatContext> = {}
): MacaroonCheck {
  const required = REQUIRED_PERMISSIONS[fullMethod]
  if (!required) return { ok: false, error: unknownMethodMessage(fullMethod) }
  const found = macaroonFromMetadata(metadataValues)
  if (!found.ok) return found
  const verified = verifyMacaroon(found.bytes, rootKey, ctx)
  if (!verified.ok) return verified
  return hasPermissions(verified.permissions, required, fullMethod) ? verified : { ok: false, error: PERMISSION_DENIED }
}
