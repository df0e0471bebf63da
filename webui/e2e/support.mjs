// What the scenarios share: waiting for a condition with a message that says what was expected, the
// API called from Node to set up data, and the few page reads every scenario needs.

export const ZONE = process.env.E2E_TIME_ZONE || 'America/Chicago'
export const WAIT_MS = 10_000

/** Waits until `probe` answers something truthy (and answers it); fails with `message` and what it saw last. */
export async function until(probe, message, timeout = WAIT_MS) {
  const deadline = Date.now() + timeout
  let last
  for (;;) {
    try {
      last = await probe()
      if (last) return last
    } catch (e) {
      last = e
    }
    if (Date.now() > deadline) {
      const seen = last instanceof Error ? last.message.split('\n')[0] : JSON.stringify(last) ?? 'nothing'
      throw new Error(`${message} (waited ${timeout / 1000} s; last saw ${seen})`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** Waits for a locator to be visible. */
export async function see(locator, message, timeout = WAIT_MS) {
  try {
    await locator.first().waitFor({ state: 'visible', timeout })
  } catch (e) {
    throw new Error(`${message} (not visible after ${timeout / 1000} s: ${locator})`, { cause: e })
  }
}

/** Waits for a locator to match nothing visible. */
export async function gone(locator, message, timeout = WAIT_MS) {
  await until(async () => (await locator.count()) === 0 || !(await locator.first().isVisible()), message, timeout)
}

export function fail(message) {
  throw new Error(message)
}

// ---- the page ----

export function row(page, title) {
  return page.getByRole('listitem', { name: title, exact: true })
}

/** The titles in the task list, in order ([] when the list is empty or still loading). */
export async function titles(page) {
  if (await page.getByTestId('task-list').getAttribute('aria-busy').catch(() => null) === 'true') return null
  return page.getByTestId('task-row').locator('.task-title').allTextContents()
}

/** Waits until the list shows exactly these titles, in any order. */
export async function listShows(page, expected, message) {
  const want = [...expected].sort().join(' | ')
  await until(async () => {
    const now = (await page.getByTestId('task-list-empty').isVisible()) ? [] : await titles(page)
    if (now !== null && now.slice().sort().join(' | ') === want) return true
    throw new Error(now === null ? 'the list loading' : `[${now.join(' | ')}]`)
  }, `${message}: expected the list to show [${want}]`)
}

/** Waits until the live connection says it is live (so that changes elsewhere reach the page). */
export async function live(page) {
  await until(async () => (await page.getByTestId('connection-status').getAttribute('data-state')) === 'live',
    'the connection indicator should turn live (WebSocket /ws)')
}

/** A mark left on the window: if it is still there later, the page was not reloaded in between. */
export async function markPage(page) {
  await page.evaluate(() => { window.__e2eNotReloaded = true })
}

export async function notReloaded(page, what) {
  if (!(await page.evaluate(() => window.__e2eNotReloaded === true))) fail(`${what} should appear without a reload, but the page was reloaded`)
}

// ---- dates in the user's zone ----

/** 'YYYY-MM-DD' in ZONE, `days` from today. */
export function dateInZone(days = 0, now = new Date()) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(new Date(now.getTime() + days * 86_400_000))
}

/** The UTC instant at which ZONE's wall clock shows `date` `time`. */
export function instantInZone(date, time) {
  const wall = Date.parse(`${date}T${time}:00Z`)
  const offset = (at) => {
    const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', {
      timeZone: ZONE, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric',
    }).formatToParts(new Date(at)).map((p) => [p.type, Number(p.value)]))
    return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute) - Math.floor(at / 60_000) * 60_000
  }
  return new Date(wall - offset(wall - offset(wall))).toISOString().replace('.000Z', 'Z')
}

// ---- the API, from Node ----

let users = 0

export function apiClient(base) {
  async function call(method, path, { token, body, expect = [200, 201] } = {}) {
    const response = await fetch(base + path, {
      method,
      headers: {
        Accept: 'application/json',
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.text()
    if (!expect.includes(response.status)) fail(`${method} ${path} answered ${response.status}, expected ${expect.join(' or ')}: ${text.slice(0, 300)}`)
    return { status: response.status, body: text ? JSON.parse(text) : null }
  }
  return {
    call,
    /** A new person with their own session: `{token, expiresAt, user}` plus the password. */
    async signUp(name) {
      const email = `${name.toLowerCase()}-${++users}-${Math.random().toString(36).slice(2, 8)}@e2e.test`
      const password = 'correct horse battery'
      const { body } = await call('POST', '/api/auth/signup', { body: { email, password, name, timeZone: ZONE } })
      return { ...body, password }
    },
    async createTask(session, task) {
      return (await call('POST', '/api/tasks', { token: session.token, body: task })).body
    },
    async task(session, id) {
      return (await call('GET', `/api/tasks/${id}`, { token: session.token })).body
    },
    async tasks(session, query = '') {
      return (await call('GET', `/api/tasks?${query}`, { token: session.token })).body.items
    },
  }
}
