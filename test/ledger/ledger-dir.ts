import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AuditLog } from '../../src/ledger/audit-log.js'
import type { AuditLogOptions } from '../../src/ledger/audit-log.js'

/**
 * A temp directory for one test plus every AuditLog opened in it. cleanup() closes the logs a
 * failed test left open (an open RocksDB would keep the test process alive) and removes the dir.
 */
export interface LedgerDir {
  path: string
  open(opts?: Partial<AuditLogOptions>): Promise<AuditLog>
  cleanup(): Promise<void>
}

export async function ledgerDir(): Promise<LedgerDir> {
  const path = await mkdtemp(join(tmpdir(), 'tightrope-ledger-'))
  const opened: AuditLog[] = []
  return {
    path,
    async open(opts = {}) {
      const log = await AuditLog.open({ storagePath: join(path, 'storage'), ...opts })
      opened.push(log)
      return log
    },
    async cleanup() {
      for (const log of opened) await log.close().catch(() => {})
      await rm(path, { recursive: true, force: true })
    }
  }
}

/** Every byte under `dir` as latin1 text, to look for strings on disk whatever file holds them. */
export async function rawBytes(dir: string): Promise<string> {
  let text = ''
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) text += (await readFile(join(entry.parentPath, entry.name))).toString('latin1')
  }
  return text
}

export const tx = (i: number, over: Record<string, unknown> = {}) => ({
  role: 'payer' as const,
  status: 'succeeded' as const,
  channelId: `1x${i % 3}x0`,
  localPublicKey: '02' + 'aa'.repeat(32),
  remotePublicKey: '03' + 'bb'.repeat(32),
  tokens: i,
  paymentHash: i.toString(16).padStart(64, '0'),
  ...over
})
