import { constants } from 'node:fs'
import { access, lstat, mkdir, readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import Corestore from 'corestore'
import type Hypercore from 'hypercore'

export interface OpenedStore<E, T> {
  store: Corestore
  eventLog: Hypercore<E>
  txLog: Hypercore<T>
}

export interface OpenStoreOptions {
  storagePath: string
  eventLogName: string
  transactionLogName: string
  readOnly: boolean
}

const PRIVATE_DIR = 0o700

/** Whether a file mode lets anyone but the owner in (group or other bits set). */
export const tooOpen = (mode: number): boolean => (mode & 0o077) !== 0

/**
 * The storage directory and what it holds, where group or others have any access (an existing
 * directory from an older version, or created under a loose umask): one line each, for a warning
 * at start. Nothing is changed: the operator may have meant it (a backup group, say).
 */
export async function storagePermissionProblems(storagePath: string, limit = 20): Promise<string[]> {
  const problems: string[] = []
  let budget = 10_000
  // Symbolic links inside are not followed (the storage path itself may be one, to another disk).
  const visit = async (path: string, top = false): Promise<void> => {
    if (problems.length >= limit || budget-- <= 0) return
    const st = await (top ? stat(path) : lstat(path)).catch(() => undefined)
    if (!st || st.isSymbolicLink()) return
    if (tooOpen(st.mode))
      problems.push(`${path} is ${(st.mode & 0o777).toString(8)}, expected ${st.isDirectory() ? '700' : '600'}`)
    if (st.isDirectory()) for (const name of await readdir(path).catch(() => [])) await visit(join(path, name))
  }
  await visit(storagePath, true)
  return problems
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/**
 * Opens the Corestore and its two named cores, turning the ways this fails into errors an operator
 * can act on (each names the path). Hypercore's own messages ("File descriptor could not be locked",
 * "Batch was not applied") do not say which directory or what to do.
 */
export async function openStore<E, T>(opts: OpenStoreOptions): Promise<OpenedStore<E, T>> {
  const { storagePath, readOnly } = opts
  if (opts.eventLogName === opts.transactionLogName) {
    // One name is one core: both logs would be interleaved in it.
    throw new Error(
      `audit storage ${storagePath}: the event log and the transaction log need different names (both are "${opts.eventLogName}")`
    )
  }
  if (readOnly) await expectExistingStore(storagePath)
  else await prepareWritableDir(storagePath)

  const store = new Corestore(storagePath, { readOnly })
  const opened: Array<Hypercore<unknown>> = []
  try {
    await store.ready()
    if (readOnly) {
      // A read-only store cannot create a core; asking for a missing one fails later, uncaught,
      // inside Hypercore. Look the names up first.
      for (const name of [opts.eventLogName, opts.transactionLogName]) {
        if ((await store.storage.getAlias({ name, namespace: store.ns })) === null) {
          throw new Error(
            `audit storage ${storagePath} has no log named "${name}" (check audit.eventLog / audit.transactionHistory)`
          )
        }
      }
    }
    const eventLog = store.get<E>({ name: opts.eventLogName, valueEncoding: 'json' })
    opened.push(eventLog as Hypercore<unknown>)
    const txLog = store.get<T>({ name: opts.transactionLogName, valueEncoding: 'json' })
    opened.push(txLog as Hypercore<unknown>)
    await Promise.all([eventLog.ready(), txLog.ready()])
    return { store, eventLog, txLog }
  } catch (err) {
    for (const core of opened)
      await core.close().catch(() => {
        /* already failing: the open's error is the one reported */
      })
    await store.close().catch(() => {
      /* as above */
    })
    throw translate(err, storagePath)
  }
}

function translate(err: unknown, storagePath: string): Error {
  const message = reason(err)
  if (message.startsWith(`audit storage ${storagePath}`)) return err as Error
  // fd-lock on <storage>/CORESTORE: one writer per directory, even within one process.
  if (/could not be locked|\block\b/i.test(message)) {
    return new Error(
      `audit storage ${storagePath} is in use by a running tightrope daemon (or ` +
        `another process); stop it first, or open the logs read-only`,
      { cause: err }
    )
  }
  return new Error(`audit storage ${storagePath} cannot be opened: ${message}`, { cause: err })
}

async function prepareWritableDir(storagePath: string): Promise<void> {
  try {
    // The Corestore seed (the key that signs the logs) and the history are ours alone: 0700.
    // Files inside get 0600 from the daemon's umask (cli start).
    await mkdir(storagePath, { recursive: true, mode: PRIVATE_DIR })
  } catch (err) {
    throw new Error(`audit storage ${storagePath} cannot be created: ${reason(err)}`, { cause: err })
  }
  try {
    // Fails early for a non-root daemon instead of deep inside RocksDB (root passes regardless).
    await access(storagePath, constants.W_OK | constants.X_OK)
  } catch (err) {
    throw new Error(`audit storage ${storagePath} is not writable: ${reason(err)}`, { cause: err })
  }
}

async function expectExistingStore(storagePath: string): Promise<void> {
  const found = await stat(join(storagePath, 'CORESTORE')).then(
    () => true,
    () => false
  )
  if (!found) throw new Error(`no audit storage at ${storagePath}: has the daemon run with this config?`)
}
