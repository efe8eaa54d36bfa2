import { readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { TightropeConfig } from '../config/schema.js'
import { API_FILE } from '../app/instance.js'

/** The running daemon of a config, found through the api.json it writes in its storage dir. */
export interface DaemonClient {
  url: string
  /** The daemon's process id, when found through api.json (it writes its own). */
  pid?: number
  get: (path: string) => Promise<unknown>
}

export async function findDaemon(config: TightropeConfig, explicitUrl?: string): Promise<DaemonClient | undefined> {
  let url = explicitUrl
  let pid: number | undefined
  if (!url) {
    try {
      const file = JSON.parse(await readFile(join(resolve(config.audit.storage.path), API_FILE), 'utf8')) as {
        url: string
        pid?: unknown
      }
      url = file.url
      if (Number.isSafeInteger(file.pid) && (file.pid as number) > 0) pid = file.pid as number
    } catch {
      return undefined
    }
  }
  // From the config loader only, which applies TIGHTROPE_API_TOKEN and checks it.
  const token = config.api.token
  const get = async (path: string): Promise<unknown> => {
    const res = await fetch(url + path, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(10_000)
    })
    const body = (await res.json()) as { error?: string }
    if (!res.ok) throw new Error(`${url}${path}: ${res.status} ${body.error ?? ''}`)
    return body
  }
  try {
    await get('/api/status')
    return { url, get, ...(pid !== undefined ? { pid } : {}) }
  } catch {
    return undefined
  }
}
