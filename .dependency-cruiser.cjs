/**
 * Dependencies run one way: each folder of src/ may import only from the layers below it, never
 * from its own layer's other folders or from above, and only the public files of a folder that
 * keeps internals. `npm test` runs this (scripts/test.mjs is for the test files).
 */
// Lowest first. Folders in one row are peers: none imports another.
const LAYERS = [
  ['core', 'types'],
  ['config'],
  ['ledger', 'history'],
  ['lightning'],
  ['policy'],
  ['accounts'],
  ['daemon', 'swarm', 'notify'],
  ['api'],
  ['app'],
  ['demo'],
  ['cli']
]
// The simulator stands apart: it imports nothing of Tightrope, and only the CLI and the demo use it.
const SIM_USERS = ['demo', 'cli']

/** Files other folders may import; everything else in these folders is internal. */
const PUBLIC = {
  daemon: ['daemon', 'ports', 'log-line'],
  swarm: ['cluster-swarm', 'host'],
  notify: ['notifier'],
  accounts: ['service', 'panel', 'settings'],
  history: ['share-history', 'sampler'],
  api: ['server', 'status', 'ports'],
  app: ['instance', 'swarm-host']
}

const alt = (names) => `(${names.join('|')})`
const rules = []
LAYERS.forEach((row, i) => {
  const above = LAYERS.slice(i + 1).flat()
  for (const folder of row) {
    const forbidden = [...above, ...row.filter((f) => f !== folder), ...(SIM_USERS.includes(folder) ? [] : ['sim'])]
    rules.push({
      name: `layer-${folder}`,
      comment: `src/${folder} may import only from the layers below it (${LAYERS.slice(0, i).flat().join(', ') || 'none'})`,
      severity: 'error',
      from: { path: `^src/${folder}/` },
      to: { path: `^src/${alt(forbidden)}/` }
    })
  }
})
rules.push({
  name: 'sim-stands-apart',
  comment: 'the simulator imports nothing of Tightrope outside src/sim',
  severity: 'error',
  from: { path: '^src/sim/' },
  to: { path: '^src/', pathNot: '^src/(sim|types)/' }
})
for (const [folder, files] of Object.entries(PUBLIC)) {
  rules.push({
    name: `internal-${folder}`,
    comment: `outside src/${folder}, import only its public files (${files.join(', ')})`,
    severity: 'error',
    from: { path: '^src/', pathNot: `^src/${folder}/` },
    to: { path: `^src/${folder}/`, pathNot: `^src/${folder}/${alt(files)}\\.ts$` }
  })
}
rules.push({
  name: 'no-circular',
  // The simulator's gRPC services and macaroon versions refer to each other by design; it stands
  // apart from Tightrope (above), so its inner cycles cannot become cycles between our folders.
  comment: 'no import cycle, between folders or files (outside the simulator)',
  severity: 'error',
  from: { path: '^src/', pathNot: '^src/sim/' },
  to: { circular: true }
})

module.exports = {
  forbidden: rules,
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    moduleSystems: ['es6']
  }
}
