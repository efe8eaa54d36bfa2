import { UsageError } from './usage-error.js'
import { silenceIpServernameWarning } from './warnings.js'
import { help as simStartHelp, parseSimStart } from './commands/sim-start/options.js'
import { simStart } from './commands/sim-start/handler.js'
import { help as startHelp, parseStart } from './commands/start/options.js'
import { help as demoHelp, parseDemo } from './commands/demo/options.js'
import { help as statusHelp, parseStatus } from './commands/status/options.js'
import { status } from './commands/status/handler.js'
import { help as auditHelp, parseAudit } from './commands/audit/options.js'
import { audit } from './commands/audit/handler.js'
import { demo } from './commands/demo/handler.js'
import { start } from './commands/start/handler.js'
import { help as configCheckHelp, parseConfigCheck } from './commands/config-check/options.js'
import { configCheck } from './commands/config-check/handler.js'
import { help as configReloadHelp, parseConfigReload } from './commands/config-reload/options.js'
import { configReload } from './commands/config-reload/handler.js'
import { VERSION } from '../package-root.js'
import { help as accountsHelp, parseAccounts } from './commands/accounts/options.js'
import { accounts } from './commands/accounts/handler.js'

const HELP = `Usage: tightrope <command> [options]

Commands:
  demo          the spec's Alice-and-Bob story on this machine, nothing to configure
  start         run the daemon for the nodes in the config (--dry-run: decide, never pay)
  status        what the running daemon is doing and why (--json)
  accounts      what each other operator and we paid each other, the net cap, statements checked
  audit         read the audit logs: audit events|transactions [--since] [--json|--csv] [--verify]
  config check  validate the config and print the settings in force for every node and channel
  config reload make the running daemon take a changed config without a restart (or SIGHUP it)
  sim start     run a simulated Lightning network (LND gRPC, CLN clnrest, local DHT, control API)

Run \`tightrope <command> --help\` for a command's options; \`tightrope --version\` prints the version.
`

interface Command {
  help: string
  run: (argv: string[]) => Promise<void>
}

/** A command from its help, its option parser and its handler: --help prints the help. */
function command<O>(help: string, parse: (argv: string[]) => O | 'help', handler: (opts: O) => Promise<void>): Command {
  return {
    help,
    run: async (argv) => {
      const opts = parse(argv)
      if (opts === 'help') return void process.stdout.write(help)
      await handler(opts)
    }
  }
}

const commands: Record<string, Command> = {
  demo: command(demoHelp, parseDemo, demo),
  start: command(startHelp, parseStart, start),
  status: command(statusHelp, parseStatus, status),
  audit: command(auditHelp, parseAudit, (opts) => audit(opts)),
  accounts: command(accountsHelp, parseAccounts, accounts),
  'config check': command(configCheckHelp, parseConfigCheck, configCheck),
  'config reload': command(configReloadHelp, parseConfigReload, configReload),
  'sim start': command(simStartHelp, parseSimStart, simStart)
}

function find(argv: string[]): [Command, string[]] | undefined {
  for (const words of [2, 1]) {
    const name = argv.slice(0, words).join(' ')
    const command = commands[name]
    if (command) return [command, argv.slice(words)]
  }
  return undefined
}

async function main(argv: string[]): Promise<void> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    process.stdout.write(HELP)
    return
  }
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V' || argv[0] === 'version')) {
    process.stdout.write(`tightrope ${VERSION}\n`)
    return
  }
  const found = find(argv)
  if (!found) {
    process.stderr.write(`tightrope: unknown command "${argv.join(' ')}"\n\n${HELP}`)
    process.exitCode = 2
    return
  }
  const [command, rest] = found
  try {
    await command.run(rest)
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`tightrope: ${err.message}\n\n${command.help}`)
      process.exitCode = 2
      return
    }
    process.stderr.write(`tightrope: ${(err as Error).message ?? err}\n`)
    process.exitCode = 1
  }
}

silenceIpServernameWarning()
void main(process.argv.slice(2))
