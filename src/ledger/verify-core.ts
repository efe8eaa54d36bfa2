import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Corestore from 'corestore'
import type Hypercore from 'hypercore'
import { readRange } from './read-range.js'

/** How long the signed head may take to arrive over an in-process stream before we call it bad. */
const HEAD_TIMEOUT_MS = 10_000

export interface CoreCheck {
  length: number
  problems: string[]
}

/**
 * Integrity check of one log, in three links that together tie every block to the core's key:
 *  1. Hypercore's own audit of local storage (dry run, repairs nothing): each block hashes to its
 *     leaf and each tree node to its children, up to the roots.
 *  2. The signed head: a throwaway replica in a temp dir asks this core for its newest length over
 *     an in-process replication stream. Hypercore checks the ed25519 signature over the roots
 *     against the core's key, exactly as a remote auditor's replica would; the replica's tree hash
 *     must then equal ours.
 *  3. Every entry reads back as the JSON we wrote (an object with `kind` and a numeric `at`).
 * Appends may continue meanwhile; checks 1 and 3 cover the length seen at the start.
 */
export async function verifyCore(name: string, core: Hypercore<unknown>): Promise<CoreCheck> {
  const length = core.length
  const problems: string[] = []

  const stats = await core.core.audit({ dryRun: true })
  if (stats === null || stats.corrupt) problems.push(`${name}: a Merkle root is missing; the tree cannot be verified`)
  else {
    if (stats.droppedBlocks > 0)
      problems.push(`${name}: ${stats.droppedBlocks} block(s) do not match their hash in the Merkle tree`)
    if (stats.droppedTreeNodes > 0)
      problems.push(`${name}: ${stats.droppedTreeNodes} Merkle tree node(s) do not match their children`)
    if (stats.droppedBits > 0) problems.push(`${name}: ${stats.droppedBits} block(s) marked present are missing`)
  }

  if (length > 0) {
    const head = await checkSignedHead(core, length)
    if (head !== null) problems.push(`${name}: ${head}`)
  }

  for await (const slot of readRange(core, 0, length)) {
    if ('error' in slot) problems.push(`${name}: entry ${slot.index} is unreadable (${slot.error.message})`)
    else if (!isEntry(slot.value)) problems.push(`${name}: entry ${slot.index} is not a ledger entry`)
  }
  return { length, problems }
}

function isEntry(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false
  const e = value as { kind?: unknown; at?: unknown }
  return typeof e.kind === 'string' && typeof e.at === 'number'
}

/** Returns what is wrong with the signed head, or null if it verifies. */
async function checkSignedHead(core: Hypercore<unknown>, length: number): Promise<string | null> {
  const dir = await mkdtemp(join(tmpdir(), 'tightrope-verify-'))
  const store = new Corestore(dir)
  const replica = store.get({ key: core.key })
  const local = core.replicate(true)
  const remote = replica.replicate(false)
  // Stream errors only follow a failure reported below (or our own destroy()); keep them quiet.
  local.on('error', () => {
    /* see above */
  })
  remote.on('error', () => {
    /* see above */
  })
  let timer: NodeJS.Timeout | undefined
  try {
    await replica.ready()
    local.pipe(remote).pipe(local)
    const rejected = new Promise<string>((resolve) =>
      replica.on('verification-error', (err: Error) => resolve(`the signed head does not verify: ${err.message}`))
    )
    const timedOut = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`no verifiable signed head within ${HEAD_TIMEOUT_MS / 1000} s`), HEAD_TIMEOUT_MS)
    })
    const updated = replica.update({ wait: true }).then(
      () => null,
      (err: Error) => `the signed head could not be fetched: ${err.message}`
    )
    const outcome = await Promise.race([updated, rejected, timedOut])
    if (outcome !== null) return outcome
    if (replica.length < length)
      return `the signed length ${replica.length} is shorter than the ${length} entries stored`
    const signed = replica.length
    const [theirs, ours] = await Promise.all([replica.treeHash(signed), core.treeHash(signed)])
    if (!theirs.equals(ours)) return `the tree hash at length ${signed} differs from the signed one`
    return null
  } finally {
    clearTimeout(timer)
    local.destroy()
    remote.destroy()
    await replica.close().catch(() => {
      /* a read-only check: the problems found are the result */
    })
    await store.close().catch(() => {
      /* as above */
    })
    await rm(dir, { recursive: true, force: true })
  }
}
