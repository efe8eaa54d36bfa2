import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { execFile, spawn } from 'node:child_process'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm'

/** Runs a command to its end with a bounded time; resolves with its exit code and both outputs. */
function runBounded(
  cmd: string,
  args: string[],
  opts: { cwd: string; timeoutMs: number }
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
    })
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString()
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs)
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, out })
    })
  })
}

describe('the npm package, installed from its tarball on a clean prefix', () => {
  let dir = ''
  let bin = ''

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tightrope-pack-'))
    // dist/ is already built by `npm test`; --ignore-scripts keeps `prepare` from rebuilding it
    // underneath the other tests running at the same time.
    await run(NPM, ['pack', '--ignore-scripts', '--pack-destination', dir], { timeout: 120_000 })
    const tarball = (await readdir(dir)).find((f) => /^tightrope-.*\.tgz$/.test(f))
    assert.ok(tarball, 'npm pack wrote a tarball')
    // From the npm cache that `npm ci` filled: no network needed for the dependencies.
    await run(
      NPM,
      [
        'install',
        '-g',
        '--prefix',
        join(dir, 'prefix'),
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        join(dir, tarball)
      ],
      { timeout: 300_000 }
    )
    bin = join(dir, 'prefix', 'bin', 'tightrope')
  })

  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('ships what runs and nothing of the tests', async () => {
    const root = join(dir, 'prefix', 'lib', 'node_modules', 'tightrope')
    const top = (await readdir(root)).sort()
    assert.deepEqual(
      top.filter((f) => f !== 'node_modules'),
      ['README.md', 'bin', 'config', 'dist', 'docs', 'package.json', 'packaging', 'scenarios']
    )
    assert.deepEqual(await readdir(join(root, 'dist')), ['src'], 'no compiled tests, benches or soak')
    assert.ok(existsSync(join(root, 'dist', 'src', 'cli', 'main.js')))
    assert.ok(!existsSync(join(root, 'test')))
  })

  it('tightrope --version prints the package version', async () => {
    const expected = (JSON.parse(await readFile('package.json', 'utf8')) as { version: string }).version
    const { stdout } = await run(bin, ['--version'], { cwd: dir })
    assert.equal(stdout.trim(), `tightrope ${expected}`)
  })

  it('tightrope demo runs from the installed package, in a directory that is not the clone', async () => {
    const r = await runBounded(bin, ['demo', '--duration', '30s', '--json'], { cwd: dir, timeoutMs: 120_000 })
    assert.equal(r.code, 0, r.out)
    const summary = JSON.parse(r.out.slice(r.out.indexOf('{'))) as {
      ok: boolean
      feesPaidSats: number
      rebalances: number
    }
    assert.equal(summary.ok, true)
    assert.equal(summary.feesPaidSats, 0)
    assert.ok(summary.rebalances > 0)
  })

  it('the systemd unit verifies, with its hardening, against the installed binary', async (t) => {
    if (!existsSync('/usr/bin/systemd-analyze')) return t.skip('systemd-analyze is not installed (.ci/run installs it)')
    const unit = join(dir, 'tightrope.service')
    const text = await readFile(join('packaging', 'tightrope.service'), 'utf8')
    assert.match(text, /^ExecStart=\/usr\/local\/bin\/tightrope start /m)
    await writeFile(unit, text.replace('/usr/local/bin/tightrope', bin))
    const verify = await runBounded('systemd-analyze', ['verify', unit], { cwd: dir, timeoutMs: 60_000 })
    assert.equal(verify.code, 0, verify.out)
    assert.equal(verify.out.trim(), '', `systemd-analyze verify printed warnings:\n${verify.out}`)
    for (const directive of [
      'User=tightrope',
      'ProtectSystem=strict',
      'StateDirectory=tightrope',
      'NoNewPrivileges=yes',
      'Restart=on-failure',
      'KillSignal=SIGTERM'
    ]) {
      assert.ok(text.split('\n').includes(directive), `the unit sets ${directive}`)
    }
    // systemd's own exposure score (0 = locked down, 10 = none): at most 2.0 ("OK").
    const security = await runBounded('systemd-analyze', ['security', '--offline=yes', '--threshold=20', unit], {
      cwd: dir,
      timeoutMs: 60_000
    })
    assert.equal(security.code, 0, security.out)
  })
})
