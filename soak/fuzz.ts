import { parseArgs } from 'node:util'
import { fuzzDecoders } from '../test/helpers/fuzz.js'

/** The wire fuzzer for longer runs: npm run fuzz -- --iterations 1000000 [--seed S]. Exit 1 on a crash. */
const { values } = parseArgs({ options: { iterations: { type: 'string' }, seed: { type: 'string' } } })
const report = fuzzDecoders(Number(values.iterations ?? 200_000), Number(values.seed ?? Date.now() % 1e9))
console.log(JSON.stringify(report, null, 2))
process.exitCode = report.crashes.length === 0 ? 0 : 1
