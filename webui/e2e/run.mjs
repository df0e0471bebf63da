#!/usr/bin/env node
// End-to-end tests of the web UI in real Chromium against the all-in-one system, started as `make run`
// starts it (the standalone jar, whose edge serves the web UI). Run from webui/:
//
//   npm run e2e                                 # needs the jar (make build) and /usr/bin/chromium
//   E2E_ONLY=3,keyboard npm run e2e             # only scenario 3 and those whose name contains "keyboard"
//   E2E_BASE_URL=http://localhost:8080 npm run e2e   # against a system that is already running
//   E2E_WEBROOT=dist npm run e2e                # serve this web UI build instead of the jar's own
//
// Each scenario runs in its own browser context; screenshots go to e2e/screenshots/. Exits non-zero
// when any scenario fails, 0 with "skipped" when there is no Chromium.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { scenarios } from './scenarios.mjs'
import { apiClient, WAIT_MS, ZONE } from './support.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const repo = resolve(here, '../..')
const JAR = join(repo, 'modules/standalone/target/standalone-0.1.0-SNAPSHOT-all.jar')
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
const SCREENSHOTS = join(here, 'screenshots')
const READY_TIMEOUT_MS = 120_000
const SCENARIO_TIMEOUT_MS = 60_000
const PLACEHOLDER = 'The web UI is on its way'

if (!existsSync(CHROMIUM)) {
  console.log(`skipped: no Chromium at ${CHROMIUM}, install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`)
  process.exit(0)
}

const started = Date.now()
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`
let system = null
let browser = null
let keepLog = false // kept when a scenario failed, for its diagnosis

async function main() {
  mkdirSync(SCREENSHOTS, { recursive: true })
  for (const file of readdirSync(SCREENSHOTS)) if (file.startsWith('failed-')) rmSync(join(SCREENSHOTS, file))
  const base = process.env.E2E_BASE_URL?.replace(/\/$/, '') ?? await startSystem()
  await checkWebUi(base)
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run'],
  })
  const only = process.env.E2E_ONLY?.split(',').map((s) => s.trim()).filter(Boolean)
  const named = (s, o) => (/^\d+$/.test(o) ? s.name.startsWith(`${o} `) : s.name.includes(o))
  const chosen = only ? scenarios.filter((s) => only.some((o) => named(s, o))) : scenarios
  console.log(`${chosen.length} scenarios against ${base} in Chromium ${browser.version()}, time zone ${ZONE}`)
  const results = []
  for (const scenario of chosen) results.push(await run(scenario, base))

  const failed = results.filter((r) => !r.ok)
  console.log(`\n${results.length - failed.length} passed, ${failed.length} failed, in ${seconds(Date.now() - started)}`)
  for (const r of failed) console.log(`  ✗ ${r.name}\n      ${r.error.replace(/\n/g, '\n      ')}`)
  keepLog = failed.length > 0 && system !== null
  if (keepLog) console.log(`  the system's log (kept): ${system.log}`)
  return failed.length === 0
}

/** One scenario in fresh browser contexts, with a time limit; on failure a screenshot of each page. */
async function run(scenario, base) {
  const contexts = []
  const pageErrors = []
  const consoleErrors = [] // shown with a failure, as clues
  const t = {
    base,
    api: apiClient(base),
    /** A fresh browser context and a page in it; `session` signs it in, options go to newContext. */
    async page({ session, ...options } = {}) {
      const context = await browser.newContext({
        baseURL: base, locale: 'en-US', timezoneId: ZONE, viewport: { width: 1280, height: 800 },
        colorScheme: 'light', ...options,
        storageState: session ? {
          cookies: [],
          origins: [{ origin: base, localStorage: [{ name: 'todo-chatbot.session', value: JSON.stringify(session) }] }],
        } : undefined,
      })
      context.setDefaultTimeout(WAIT_MS)
      contexts.push(context)
      const page = await context.newPage()
      watch(page)
      context.on('page', watch)
      await page.goto('/')
      return page
    },
    async shot(page, name) {
      await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: false })
    },
  }
  function watch(page) {
    page.on('pageerror', (e) => pageErrors.push(`uncaught in the page: ${e.message}`))
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(`console: ${m.text()}`) })
  }

  const start = Date.now()
  let error = null
  let note = null // what a scenario answers, printed beside its name
  let timer
  try {
    note = await Promise.race([
      scenario.run(t),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`took longer than ${seconds(SCENARIO_TIMEOUT_MS)}`)), SCENARIO_TIMEOUT_MS) }),
    ])
    if (pageErrors.length > 0) throw new Error('the page threw')
  } catch (e) {
    error = [readable(e.message), ...pageErrors, ...consoleErrors.slice(0, 5)].join('\n')
    for (const [i, context] of contexts.entries()) {
      for (const [j, page] of context.pages().entries()) {
        await page.screenshot({ path: join(SCREENSHOTS, `failed-${slug(scenario.name)}-${i}${j}.png`) }).catch(() => {})
      }
    }
  } finally {
    clearTimeout(timer)
    await Promise.all(contexts.map((c) => c.close().catch(() => {})))
  }
  const took = seconds(Date.now() - start)
  console.log(error ? `✗ ${scenario.name} (${took})\n    ${error.split('\n')[0]}` : `✓ ${scenario.name} (${took}${note ? `; ${note}` : ''})`)
  return { name: scenario.name, ok: !error, error }
}

/** Playwright's messages without colours, and only the start of their call log. */
const readable = (message) => message.replace(/\x1b\[[0-9;]*m/g, '').split('\n').slice(0, 4).join('\n')
const slug = (name) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')

// ---- the system ----

async function startSystem() {
  if (!existsSync(JAR)) throw new Error(`no jar at ${JAR}: build first (make build)`)
  const dir = mkdtempSync(join(tmpdir(), 'todo-chatbot-e2e-'))
  const port = await freePort()
  const log = join(dir, 'system.log')
  // E2E_WEBROOT: the edge resolves webroot/ in its working directory before the jar's copy
  const cwd = join(dir, 'cwd')
  mkdirSync(cwd)
  if (process.env.E2E_WEBROOT) symlinkSync(resolve(process.env.E2E_WEBROOT), join(cwd, 'webroot'))
  const zero = ['EDGE_EVENTS_PORT', 'TASK_SERVICE_PORT', 'AUDIT_SERVICE_PORT', 'RECURRENCE_SERVICE_PORT',
    'NOTIFICATION_SERVICE_PORT', 'CHAT_SERVICE_PORT']
  const env = { ...process.env, PORT: String(port), DATA_DIR: join(dir, 'data'), ...Object.fromEntries(zero.map((k) => [k, '0'])) }
  const out = openSync(log, 'a')
  const child = spawn('java', ['-Xmx1g', '-jar', JAR], { cwd, env, stdio: ['ignore', out, out] })
  system = { child, dir, log, exited: null }
  child.on('exit', (code, signal) => { system.exited = signal ?? code })
  child.on('error', (e) => { system.exited = e.message })

  const base = `http://127.0.0.1:${port}`
  const deadline = Date.now() + READY_TIMEOUT_MS
  for (;;) {
    if (system.exited !== null) throw new Error(`the system stopped while starting (${system.exited}):\n${tail(log)}`)
    const status = await fetch(`${base}/readyz`).then((r) => r.status, () => 0)
    if (status === 200) break
    if (Date.now() > deadline) throw new Error(`GET /readyz did not answer 200 within ${seconds(READY_TIMEOUT_MS)}:\n${tail(log)}`)
    await new Promise((r) => setTimeout(r, 250))
  }
  console.log(`system ready on ${base} after ${seconds(Date.now() - started)}${process.env.E2E_WEBROOT ? `, serving ${process.env.E2E_WEBROOT}` : ''}`)
  return base
}

async function stopSystem() {
  if (!system) return
  const { child } = system
  if (system.exited === null) {
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
    await exited
    clearTimeout(timer)
  }
  await stopPostgres(join(system.dir, 'data', 'postgres'))
  if (keepLog) return
  try {
    rmSync(system.dir, { recursive: true, force: true, maxRetries: 5 })
  } catch (e) {
    console.log(`(could not remove ${system.dir}: ${e.message})`)
  }
}

/**
 * The embedded PostgreSQL is a process of its own, normally stopped by the JVM before it exits; seen
 * still running (and writing into DATA_DIR) after it. Waits for its pid file to go, and stops it if not.
 */
async function stopPostgres(dataDir) {
  const pidFile = join(dataDir, 'postmaster.pid')
  const stopped = () => !existsSync(pidFile)
  const wait = async (ms) => {
    for (const deadline = Date.now() + ms; !stopped() && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 100))
    return stopped()
  }
  if (await wait(5_000)) return
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0])
  const ours = (() => { try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dataDir) } catch { return false } })()
  if (!ours) return
  console.log(`(the embedded PostgreSQL ${pid} outlived the JVM; stopping it)`)
  process.kill(pid, 'SIGINT') // fast shutdown
  await wait(10_000)
}

async function checkWebUi(base) {
  const page = await fetch(`${base}/`).then((r) => r.text())
  if (page.includes(PLACEHOLDER) || !page.includes('id="root"')) {
    throw new Error(`GET / is not the web UI but ${page.includes(PLACEHOLDER) ? 'the placeholder page' : 'something else'}: ` +
      'the jar was built without webui/dist. Build it again (make build), or set E2E_WEBROOT=dist to serve a fresh ' +
      '`npm run build` through this jar')
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    }).on('error', reject)
  })
}

function tail(file, lines = 30) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return '(no log)'
  }
}

// ---- start, and always clean up ----

let ok = false
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    await browser?.close().catch(() => {})
    await stopSystem()
    process.exit(130)
  })
}
try {
  ok = await main()
} catch (e) {
  console.error(`e2e: ${e.message}`)
} finally {
  await browser?.close().catch(() => {})
  await stopSystem()
}
process.exit(ok ? 0 : 1)
