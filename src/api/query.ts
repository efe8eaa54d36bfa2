/** Query parameters of the API, validated: a bad value is a 400 that names it. */
export class BadRequest extends Error {}

export function intParam(q: URLSearchParams, name: string, def: number, min: number, max: number): number {
  const raw = q.get(name)
  if (raw === null || raw === '') return def
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > max)
    throw new BadRequest(`${name}: expected a whole number from ${min} to ${max}, got "${raw}"`)
  return n
}

/** `since` as ms since epoch or an ISO 8601 date; outside [min, max] (when given) is refused. */
export function timeParam(
  q: URLSearchParams,
  name: string,
  bounds: { min?: number; max?: number; why?: string } = {}
): number | undefined {
  const raw = q.get(name)
  if (raw === null || raw === '') return undefined
  const n = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw)
  if (!Number.isFinite(n))
    throw new BadRequest(`${name}: expected an ISO 8601 date or milliseconds since 1970, got "${raw}"`)
  if ((bounds.min !== undefined && n < bounds.min) || (bounds.max !== undefined && n > bounds.max)) {
    const range = `${new Date(bounds.min ?? 0).toISOString()} to ${new Date(bounds.max ?? 8.64e15).toISOString()}`
    throw new BadRequest(`${name}: expected a time from ${range}${bounds.why ? ` (${bounds.why})` : ''}, got "${raw}"`)
  }
  return n
}

export function textParam(q: URLSearchParams, name: string, max = 128): string | undefined {
  const raw = q.get(name)
  if (raw === null || raw === '') return undefined
  if (raw.length > max) throw new BadRequest(`${name}: longer than ${max} characters`)
  return raw
}
