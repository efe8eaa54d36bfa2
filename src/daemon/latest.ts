/**
 * The current state of each payment is decided in one place, src/policy/history.ts (ledger order,
 * not timestamps); re-exported here for the daemon's and the API's existing imports.
 */
export { latestByHash } from '../policy/history.js'
