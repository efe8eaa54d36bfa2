import type { z } from 'zod'
import { problemLine } from './errors.js'
import { KNOWN_KEYS } from './schema.js'

/**
 * Zod's issues → our problem lines, `path: expected ...`. The schema gives every field its own
 * message; `fallbackMessage` covers anything it missed so no line ever reads like zod's internals.
 * An unknown key becomes one line per key, with the key in the path and the nearest known key as a
 * hint, since a typo is the usual cause.
 */
export function issueLines(issues: ReadonlyArray<z.core.$ZodIssue>): string[] {
  const lines = issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => problemLine([...issue.path, key], `unknown setting${hint(issue.path, key)}`))
    }
    return [problemLine(issue.path, issue.message)]
  })
  return [...new Set(lines)]
}

/** Passed to safeParse as the lowest-priority error map. */
export function fallbackMessage(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}`
    case 'too_small':
      return `expected at least ${String(issue.minimum)}`
    case 'too_big':
      return `expected at most ${String(issue.maximum)}`
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`
    default:
      return 'expected a valid value'
  }
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object'
}

function hint(path: ReadonlyArray<PropertyKey>, key: string): string {
  const where = path
    .map((p) => (typeof p === 'number' ? '[]' : String(p)))
    .join('.')
    .replace(/\.\[\]/g, '[]')
  const known = KNOWN_KEYS[where] ?? []
  let best: string | undefined
  let bestDistance = Infinity
  for (const k of known) {
    const d = distance(key.toLowerCase(), k.toLowerCase())
    if (d < bestDistance) {
      best = k
      bestDistance = d
    }
  }
  // Close enough to be a typo: a couple of edits, or a quarter of the word for long names.
  // An exact match is a key of another shape in the same list (an LND field on a CLN node): no hint.
  return best !== undefined && best !== key && bestDistance <= Math.max(2, Math.floor(best.length / 4))
    ? ` (did you mean "${best}"?)`
    : ''
}

/** Levenshtein distance. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        (prev[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1)
      )
    }
    prev = row
  }
  return prev[b.length] as number
}
