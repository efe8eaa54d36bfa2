import { decodeRune, runeAllows, runeWarnings } from '../../config/rune.js'
import { CLN_METHODS, CREATERUNE_COMMAND } from './methods.js'

/**
 * What `tightrope config check` says about a CLN node's rune, offline: each method the adapter
 * needs that the rune refuses (a problem), or may refuse depending on params, and restrictions
 * that fail calls however they are made (rate=/per=, an expired time<, id=). Pure.
 */
export function runeReport(rune: string, nowSeconds: number): { problems: string[]; warnings: string[] } {
  const decoded = decodeRune(rune)
  if (!decoded.ok) return { problems: [decoded.reason], warnings: [] }
  const problems: string[] = []
  const warnings = runeWarnings(decoded.rune, nowSeconds)
  const refused: string[] = []
  for (const method of CLN_METHODS) {
    const v = runeAllows(decoded.rune, method, nowSeconds)
    if (v.verdict === 'no') refused.push(`${method} (refused by "${v.restriction ?? ''}")`)
    else if (v.verdict === 'maybe')
      warnings.push(`the rune allows ${method} only for some params (restriction "${v.restriction ?? ''}")`)
  }
  if (refused.length > 0)
    problems.push(`the rune does not allow ${refused.join(', ')}; make one with: ${CREATERUNE_COMMAND}`)
  return { problems, warnings }
}
