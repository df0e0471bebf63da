// The scenarios of issue 6, in the order a person meets them. Each gets `t`: `t.page({session, ...})`
// opens a fresh browser context (signed in when given a session), `t.api` sets up data through the API,
// `t.shot(page, name)` saves a screenshot. Every scenario makes its own people and tasks.
import {
  dateInZone, fail, gone, instantInZone, listShows, live, markPage, notReloaded, row, see, until, ZONE,
} from './support.mjs'

const PASSWORD = 'correct horse battery'

export const scenarios = [
  {
    name: '1 sign up, sign out and sign in again',
    async run(t) {
      const page = await t.page()
      const signIn = page.getByTestId('signin-form')
      await see(signIn, 'a visitor without a session should see the sign-in form')
      await t.shot(page, 'sign-in')

      await page.getByRole('tab', { name: 'Create account' }).click()
      const form = page.getByTestId('signup-form')
      await see(form, 'the "Create account" tab should show the sign-up form')
      const zone = await form.getByLabel('Time zone').inputValue()
      const browserZone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone) // Kolkata says Calcutta
      if (zone !== browserZone) fail(`the time zone should start as the browser's (${browserZone}), it was "${zone}"`)
      const email = `ada-${Date.now()}@e2e.test`
      await form.getByLabel('Name').fill('Ada')
      await form.getByLabel('Email').fill(email)
      await form.getByLabel('Password').fill('short')
      await form.getByRole('button', { name: 'Create account' }).click()
      await see(page.locator('#password-error'), 'a password of 5 characters should be refused under the password field')

      await form.getByLabel('Password').fill(PASSWORD)
      await form.getByRole('button', { name: 'Create account' }).click()
      await see(page.getByTestId('sign-out'), 'after creating the account the workspace (with "Sign out") should show')
      await see(page.getByTestId('task-list-empty'), 'a new account should start with an empty list')
      await live(page)

      await page.getByTestId('sign-out').click()
      await see(signIn, 'signing out should bring back the sign-in form')
      await signIn.getByLabel('Email').fill(email)
      await signIn.getByLabel('Password').fill('not the password')
      await signIn.getByRole('button', { name: 'Sign in' }).click()
      await see(signIn.getByRole('alert'), 'a wrong password should be refused with a message on the form')
      await signIn.getByLabel('Password').fill(PASSWORD)
      await signIn.getByRole('button', { name: 'Sign in' }).click()
      await see(page.getByTestId('sign-out'), 'signing in with the right password should open the workspace')
    },
  },

  {
    name: '2 add a task through chat',
    async run(t) {
      const page = await t.page({ session: await t.api.signUp('Chat') })
      await live(page)
      await page.getByTestId('chat-input').fill('add call the dentist tomorrow at 3pm, high priority')
      await page.getByTestId('chat-send').click()

      const log = page.getByTestId('chat-log')
      await see(log.getByTestId('message-user').filter({ hasText: 'call the dentist' }), 'the message sent should show in the chat log')
      const reply = log.getByTestId('message-assistant').last()
      await until(async () => (await reply.getAttribute('aria-busy')) !== 'true' && /Added/.test(await reply.textContent()),
        'the assistant should answer "Added ..." and finish streaming')
      const card = log.locator('[data-testid=action-card][data-tool=add_task]')
      await see(card, 'the reply should carry an add_task action card')

      const task = row(page, 'Call the dentist')
      await see(task, 'the task added through chat should appear in the list without a reload')
      await hasText(task, /Tomorrow 3:00\sPM/, 'the row should say it is due tomorrow at 3 PM')
      await hasText(task, /high/, 'the row should show high priority')
      await t.shot(page, 'chat')

      await card.click()
      const editor = page.getByTestId('task-editor')
      await see(editor, 'the action card should open its task in the editor')
      await until(async () => (await editor.getByLabel('Title', { exact: true }).inputValue()) === 'Call the dentist',
        'the editor opened from the card should show the task\'s title')
    },
  },

  {
    name: '3 quick add with a due date, priority and tag',
    async run(t) {
      const session = await t.api.signUp('Quick')
      const page = await t.page({ session })
      await live(page)
      const input = page.getByTestId('quick-add-input')
      await input.fill('Pay rent tomorrow 9am #home !!')
      for (const kind of ['date', 'time', 'tag', 'priority']) {
        await see(page.locator(`[data-testid=quick-add] mark[data-kind=${kind}]`), `the quick-add line should highlight its ${kind}`)
      }
      await hasText(page.getByTestId('quick-add-hint'), /Due: tomorrow/, 'the hint should say what was recognised')
      await page.getByTestId('quick-add-submit').click()

      const task = row(page, 'Pay rent')
      await see(task, 'the quick-added task should appear in the list as "Pay rent" (the date, tag and priority taken out)')
      await hasText(task, /Tomorrow 9:00\sAM/, 'the row should say it is due tomorrow at 9 AM')
      await hasText(task, /#home/, 'the row should show the tag #home')
      await hasText(task, /high/, 'the row should show high priority (!!)')
      await until(async () => (await input.inputValue()) === '', 'the quick-add box should be emptied once the task is added')

      const [stored] = await t.api.tasks(session, 'q=rent')
      const due = instantInZone(dateInZone(1), '09:00')
      if (!stored || new Date(stored.dueAt).getTime() !== new Date(due).getTime()) {
        fail(`the stored task should be due ${due} (tomorrow 9:00 in ${ZONE}), it is ${stored?.dueAt}`)
      }
    },
  },

  {
    name: '4 filter by priority, tag, today and overdue; search as you type',
    async run(t) {
      const session = await t.api.signUp('Filter')
      const tasks = {
        passport: { title: 'Renew passport', priority: 'high', tags: ['errands'], dueAt: dateInZone(0), allDay: true },
        taxes: { title: 'File taxes', priority: 'low', tags: ['home'], dueAt: instantInZone(dateInZone(-3), '10:00') },
        milk: { title: 'Buy milk', tags: ['errands'] },
        flights: { title: 'Book flights', priority: 'high', tags: ['travel'], dueAt: instantInZone(dateInZone(10), '09:00') },
      }
      for (const task of Object.values(tasks)) await t.api.createTask(session, task)
      const all = Object.values(tasks).map((task) => task.title)
      const page = await t.page({ session })
      await listShows(page, all, 'a person with four open tasks')
      await t.shot(page, 'list')

      const priority = page.getByTestId('filter-priority').getByRole('button', { name: 'high' })
      await priority.click()
      await until(async () => (await priority.getAttribute('aria-pressed')) === 'true', 'the "high" chip should be pressed')
      await listShows(page, ['Renew passport', 'Book flights'], 'priority high')
      await priority.click()
      await listShows(page, all, 'priority filter released')

      await page.getByLabel('Filter by tag').fill('errands')
      await page.getByLabel('Filter by tag').press('Enter')
      await listShows(page, ['Renew passport', 'Buy milk'], 'tag errands')
      await page.getByRole('button', { name: 'Remove tag filter errands' }).click()
      await listShows(page, all, 'tag filter removed')

      await row(page, 'File taxes').getByRole('button', { name: 'Show tasks tagged home' }).click()
      await listShows(page, ['File taxes'], 'a tag clicked in a row')
      await page.getByRole('button', { name: 'Remove tag filter home' }).click()

      const due = page.getByTestId('filter-due')
      await due.getByRole('radio', { name: 'Today' }).click()
      await listShows(page, ['Renew passport'], `due today (all-day ${dateInZone(0)} in ${ZONE})`)
      await due.getByRole('radio', { name: 'Overdue' }).click()
      await listShows(page, ['File taxes'], 'overdue (due three days ago)')
      await due.getByRole('radio', { name: 'Any time' }).click()
      await listShows(page, all, 'any time')

      const search = page.getByTestId('search-input')
      await search.pressSequentially('passp', { delay: 60 })
      await listShows(page, ['Renew passport'], 'searching "passp" as it is typed')
      await search.fill('nothing like this')
      await see(page.getByTestId('task-list-empty').getByText('No tasks match these filters'),
        'a search that matches nothing should say so')
      await page.getByTestId('task-list-empty').getByRole('button', { name: 'Clear filters' }).click()
      await listShows(page, all, 'filters cleared')
      if ((await search.inputValue()) !== '') fail('"Clear filters" should also empty the search box')
    },
  },

  {
    name: '5 edit recurrence in the editor and see the next five dates',
    async run(t) {
      const session = await t.api.signUp('Repeat')
      const due = dateInZone(1)
      const created = await t.api.createTask(session, { title: 'Water the plants', dueAt: instantInZone(due, '09:00') })
      const page = await t.page({ session })
      const editor = await openEditor(page, 'Water the plants')

      await editor.getByTestId('recurrence-frequency').selectOption('WEEKLY')
      await hasText(editor.getByTestId('rrule'), /FREQ=WEEKLY/, 'choosing Weekly should write a weekly rule')
      await nextDatesAre(editor, [0, 7, 14, 21, 28].map((d) => addDays(due, d)), 'weekly')
      await editor.getByTestId('recurrence-interval').fill('2')
      await hasText(editor.getByTestId('rrule'), /INTERVAL=2/, 'every 2 weeks should write INTERVAL=2')
      await nextDatesAre(editor, [0, 14, 28, 42, 56].map((d) => addDays(due, d)), 'every 2 weeks')
      await t.shot(page, 'editor')

      await editor.getByTestId('editor-save').click()
      await see(page.getByTestId('toast').filter({ hasText: 'Saved.' }), 'saving should say "Saved."')
      const saved = await t.api.task(session, created.id)
      if (!/FREQ=WEEKLY/.test(saved.recurrence?.rule) || !/INTERVAL=2/.test(saved.recurrence?.rule)) {
        fail(`the saved task should repeat every 2 weeks, its recurrence is ${JSON.stringify(saved.recurrence)}`)
      }
      await hasText(row(page, 'Water the plants'), /repeats/, 'the row should show that the task repeats')
    },
  },

  {
    name: '6 completing a repeating task brings the next occurrence, without a reload',
    async run(t) {
      const session = await t.api.signUp('Series')
      const first = await t.api.createTask(session, {
        title: 'Take out the bins', dueAt: instantInZone(dateInZone(1), '08:00'), recurrence: { rule: 'FREQ=WEEKLY', mode: 'fromDue' },
      })
      const page = await t.page({ session })
      await live(page)
      await markPage(page)
      await page.getByRole('checkbox', { name: 'Complete Take out the bins' }).click()
      await see(page.getByTestId('toast').filter({ hasText: 'the next one is on its way' }),
        'completing a repeating task should say the next one is on its way')

      const rows = page.getByTestId('task-row').filter({ hasText: 'Take out the bins' })
      await until(async () => {
        const ids = await rows.evaluateAll((els) => els.map((el) => el.dataset.taskId))
        if (ids.length === 1 && ids[0] !== first.id) return true
        throw new Error(`rows ${JSON.stringify(ids)} (the completed one is ${first.id})`)
      }, 'the completed occurrence should leave the list and the next one take its place', 20_000)
      await notReloaded(page, 'the next occurrence')
      await hasText(rows, /8:00\sAM/, 'the next occurrence should keep the time, 8 AM')
      const [next] = await t.api.tasks(session, 'q=bins')
      const expected = instantInZone(dateInZone(8), '08:00')
      if (new Date(next.dueAt).getTime() !== new Date(expected).getTime()) {
        fail(`the next occurrence should be due a week later, ${expected}; it is due ${next.dueAt}`)
      }
    },
  },

  {
    name: '7 two pages of the same person stay in sync',
    async run(t) {
      const session = await t.api.signUp('Twins')
      const one = await t.page({ session })
      const two = await t.page({ session }) // another browser, not only another tab
      await live(one)
      await live(two)
      await markPage(one)
      await markPage(two)

      await one.getByTestId('quick-add-input').fill('Buy stamps #errands')
      await one.getByTestId('quick-add-submit').click()
      await see(row(two, 'Buy stamps'), 'a task added on one page should appear on the other')

      // the editor reads the task afresh when it opens; held back here, so the change is made before it
      // answers and must survive it
      const taskPath = /^\/api\/tasks\/[^/]+$/
      await two.route((url) => taskPath.test(url.pathname), async (route) => {
        if (route.request().method() === 'GET') await new Promise((resolve) => setTimeout(resolve, 1500))
        await route.fallback()
      })
      const read = two.waitForResponse((r) => r.request().method() === 'GET' && taskPath.test(new URL(r.url()).pathname))
      const editor = await openEditor(two, 'Buy stamps')
      const priority = editor.getByTestId('editor-priority')
      await priority.selectOption('urgent')
      await (await read).finished()
      await two.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve))))
      const kept = await priority.inputValue()
      if (kept !== 'urgent') fail(`a priority chosen while the editor was reading the task should stay, it went back to "${kept}"`)
      await editor.getByTestId('editor-save').click()
      await hasText(row(one, 'Buy stamps'), /urgent/, 'a priority changed on the second page should show on the first')

      await one.getByRole('checkbox', { name: 'Complete Buy stamps' }).click()
      await gone(row(two, 'Buy stamps'), 'a task completed on the first page should leave the second page\'s open list')
      await notReloaded(one, 'the changes')
      await notReloaded(two, 'the changes')
    },
  },

  {
    name: '8 a second person sees none of it',
    async run(t) {
      const owner = await t.api.signUp('Owner')
      const secret = await t.api.createTask(owner, { title: 'Secret plan', priority: 'urgent', tags: ['private'] })
      const stranger = await t.api.signUp('Stranger')
      const theirs = await t.page({ session: stranger })
      const mine = await t.page({ session: owner })
      await live(theirs)
      await live(mine)
      await see(theirs.getByTestId('task-list-empty'), 'another person\'s list should start empty')

      await mine.getByTestId('quick-add-input').fill('Hide the spare key #private')
      await mine.getByTestId('quick-add-submit').click()
      await see(row(mine, 'Hide the spare key'), 'the owner should see the task they added')
      await theirs.getByTestId('search-input').fill('secret')
      await see(theirs.getByTestId('task-list-empty'), 'searching "secret" should find none of another person\'s tasks')
      await theirs.getByTestId('search-input').fill('')
      await see(theirs.getByTestId('task-list-empty').getByText('Nothing to do'),
        'the owner\'s new task should not reach another person\'s page live')

      for (const [method, path] of [['GET', ''], ['PATCH', ''], ['POST', '/complete']]) {
        const body = method === 'PATCH' ? { title: 'Mine now' } : undefined
        await t.api.call(method, `/api/tasks/${secret.id}${path}`, { token: stranger.token, body, expect: [404] })
      }
    },
  },

  {
    name: '9 a reminder due in a few seconds pops up in the page',
    async run(t) {
      const session = await t.api.signUp('Remind')
      const task = await t.api.createTask(session, { title: 'Stretch your legs', dueAt: new Date(Date.now() + 7_200_000).toISOString() })
      const page = await t.page({ session })
      await live(page)
      const at = new Date(Math.ceil((Date.now() + 5_000) / 1000) * 1000)
      await t.api.call('POST', `/api/tasks/${task.id}/reminders`, { token: session.token, body: { at: at.toISOString().replace('.000Z', 'Z') } })
      await hasText(row(page, 'Stretch your legs'), /1 reminder/, 'the row should show its reminder (live)')

      const toast = page.getByTestId('toast').filter({ hasText: 'Reminder: Stretch your legs' })
      await see(toast, 'the reminder should pop up as a notification in the page', 30_000)
      const late = Date.now() - at.getTime()
      if (late < -1_000) fail(`the reminder popped up ${-late} ms before it was due`)
      await t.shot(page, 'reminder')
      await toast.getByRole('button', { name: 'Open' }).click()
      await see(page.getByTestId('task-editor'), 'the reminder\'s "Open" should open the task')
      return `shown ${(late / 1000).toFixed(1)} s after it was due`
    },
  },

  {
    name: '10 keyboard: j/k move, x completes, Undo reopens, e edits, focus comes back',
    async run(t) {
      const session = await t.api.signUp('Keys')
      const ids = {}
      for (const [i, title] of ['Alpha task', 'Bravo task', 'Charlie task'].entries()) {
        ids[title] = (await t.api.createTask(session, { title, dueAt: instantInZone(dateInZone(i + 1), '10:00') })).id
      }
      const page = await t.page({ session })
      await live(page)
      await listShows(page, Object.keys(ids), 'three tasks')
      const selected = async () => page.locator('[data-testid=task-row][aria-current=true] .task-title').textContent()
      const pressFor = async (key, title) => {
        await page.keyboard.press(key)
        await until(async () => (await selected()) === title, `"${key}" should select "${title}"`)
        if (!(await page.evaluate(() => document.activeElement?.matches('[data-testid=task-row] button.task-open')))) fail(`"${key}" should move the focus to the row's button`)
      }
      await pressFor('j', 'Alpha task')
      await pressFor('j', 'Bravo task')
      await pressFor('j', 'Charlie task')
      await pressFor('k', 'Bravo task')

      await page.keyboard.press('x')
      await listShows(page, ['Alpha task', 'Charlie task'], '"x" completed the selected task')
      const toast = page.getByTestId('toast').filter({ hasText: 'Completed “Bravo task”' })
      await see(toast, 'completing should say what was completed, with Undo')
      await toast.getByRole('button', { name: 'Undo' }).click()
      await listShows(page, Object.keys(ids), 'Undo reopened it')
      await until(async () => (await t.api.task(session, ids['Bravo task'])).status === 'open', 'after Undo the task should be open in the API')

      const focusOnRow = (title, why) => until(async () => page.evaluate((t) =>
        document.activeElement?.matches('[data-testid=task-row] button.task-open') && document.activeElement.textContent.includes(t), title), why)
      await pressFor('k', 'Alpha task')
      await page.keyboard.press('e')
      const editor = page.getByTestId('task-editor')
      await see(editor, '"e" should open the selected task in the editor')
      await until(async () => (await editor.getByLabel('Title', { exact: true }).evaluate((el) => el === document.activeElement)), 'the editor should put the focus on the title')
      await page.keyboard.press('Escape')
      await gone(editor, 'Esc should close the editor')
      await focusOnRow('Alpha task', 'closing the editor should give the focus back to the row it was opened from')

      await page.keyboard.press('?')
      await see(page.getByRole('dialog', { name: 'Keyboard shortcuts' }), '"?" should list the shortcuts')
      await page.keyboard.press('Escape')
      await gone(page.getByRole('dialog'), 'Esc should close the shortcuts')
      await focusOnRow('Alpha task', 'closing the shortcuts should give the focus back')

      await page.keyboard.press('/')
      await until(async () => page.evaluate(() => document.activeElement?.getAttribute('data-testid') === 'search-input'), '"/" should focus the search')
    },
  },

  {
    name: '11 dark theme and phone layout',
    async run(t) {
      const session = await t.api.signUp('Looks')
      await t.api.createTask(session, { title: 'Call mum', dueAt: instantInZone(dateInZone(1), '18:00'), priority: 'medium', tags: ['family'] })
      await t.api.createTask(session, { title: 'Plan the trip', tags: ['travel'] })
      const dark = await t.page({ session, colorScheme: 'dark' })
      await see(row(dark, 'Call mum'), 'the list should show in the dark theme')
      const luminance = await dark.evaluate(() => {
        const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\d+/g).map(Number)
        return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255
      })
      if (luminance > 0.3) fail(`with prefers-color-scheme: dark the page background should be dark, its luminance is ${luminance.toFixed(2)}`)
      await t.shot(dark, 'dark')

      const phone = await t.page({ session, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 })
      await see(row(phone, 'Call mum'), 'the list should show on a phone')
      const views = phone.getByRole('navigation', { name: 'Views' })
      await see(views, 'a phone should get the Tasks / Assistant switch')
      const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      if (overflow > 0) fail(`on a 390 px phone nothing should scroll sideways; the page is ${overflow} px too wide`)
      await t.shot(phone, 'phone')
      if (await phone.getByTestId('chat-input').isVisible()) fail('on a phone the chat should be hidden while Tasks is shown')
      await views.getByRole('button', { name: 'Assistant' }).click()
      await see(phone.getByTestId('chat-input'), '"Assistant" should show the chat on a phone')
      if (await phone.getByTestId('quick-add-input').isVisible()) fail('on a phone the tasks should be hidden while the Assistant is shown')
      await t.shot(phone, 'phone-chat')

      // on a phone the editor fills the screen: a modal dialog, the page behind inert, closed by the back button
      await views.getByRole('button', { name: 'Tasks' }).click()
      await markPage(phone)
      await openEditor(phone, 'Call mum')
      const dialog = phone.getByRole('dialog', { name: 'Edit task' })
      await see(dialog, 'on a phone the editor should be a modal dialog')
      if (!(await phone.evaluate(() => document.querySelector('main').inert))) fail('on a phone the page behind the editor should be inert')
      for (let i = 0; i < 40; i++) await phone.keyboard.press('Tab')
      if (!(await phone.evaluate(() => !!document.activeElement?.closest('[role=dialog]')))) fail('Tab should keep the focus inside the editor dialog')
      await phone.goBack()
      await gone(dialog, 'the browser\'s back button should close the editor on a phone')
      await notReloaded(phone, 'closing the editor with the back button')
      if (await phone.evaluate(() => document.querySelector('main').inert)) fail('the page should no longer be inert once the editor is closed')
    },
  },

  {
    name: '12 a change elsewhere while editing: keep my edits on the new version',
    async run(t) {
      const session = await t.api.signUp('Editor')
      const task = await t.api.createTask(session, { title: 'Plan the party', priority: 'low' })
      const page = await t.page({ session })
      await live(page)
      const editor = await openEditor(page, 'Plan the party')
      await editor.getByLabel('Description').fill('Balloons and cake')

      await t.api.call('PATCH', `/api/tasks/${task.id}`, { token: session.token, body: { priority: 'high' } })
      const stale = editor.getByTestId('stale-notice')
      await see(stale, 'a change made elsewhere while the editor has unsaved edits should be announced (live)')
      await stale.getByRole('button', { name: 'Keep my edits on the new version' }).click()
      await gone(stale, 'keeping my edits should close the notice')
      await until(async () => (await editor.getByTestId('editor-priority').inputValue()) === 'high',
        'the editor should show the priority changed elsewhere')
      if ((await editor.getByLabel('Description').inputValue()) !== 'Balloons and cake') fail('my description should be kept')
      await editor.getByTestId('editor-save').click()
      await see(page.getByTestId('toast').filter({ hasText: 'Saved.' }), 'saving on the new version should succeed')
      const saved = await t.api.task(session, task.id)
      if (saved.priority !== 'high' || saved.description !== 'Balloons and cake') {
        fail(`both changes should be kept, the task has priority ${saved.priority} and description ${JSON.stringify(saved.description)}`)
      }
    },
  },

  {
    name: '13 an ended session returns to sign-in and keeps what was typed, editor changes too',
    async run(t) {
      const session = await t.api.signUp('Draft')
      const task = await t.api.createTask(session, { title: 'Renew the lease', priority: 'low' })
      const page = await t.page({ session })
      await live(page)
      await page.getByTestId('quick-add-input').fill('Call the bank on Friday')
      const before = await openEditor(page, 'Renew the lease')
      await before.getByLabel('Description').fill('Ask for two years')
      // changed elsewhere meanwhile: the kept edit goes on top of this version
      await t.api.call('PATCH', `/api/tasks/${task.id}`, { token: session.token, body: { priority: 'high' } })
      // the server no longer accepts the token (as when it expires); the next call answers 401
      await page.evaluate(() => {
        const stored = JSON.parse(localStorage.getItem('todo-chatbot.session'))
        localStorage.setItem('todo-chatbot.session', JSON.stringify({ ...stored, token: 'revoked.token.value' }))
      })
      await page.reload()
      await see(page.getByText(/session has ended/), 'a 401 should return to sign-in saying the session has ended')
      const form = page.getByTestId('signin-form')
      await form.getByLabel('Email').fill(session.user.email)
      await form.getByLabel('Password').fill(session.password)
      await form.getByRole('button', { name: 'Sign in' }).click()
      await see(page.getByTestId('sign-out'), 'signing in again should open the workspace')
      const draft = await page.getByTestId('quick-add-input').inputValue()
      if (draft !== 'Call the bank on Friday') fail(`the quick-add line typed before the session ended should be back, it is "${draft}"`)

      const editor = page.getByTestId('task-editor')
      await see(editor.getByTestId('kept-notice'), 'the editor should open again on its task, saying the unsaved changes were kept')
      await until(async () => (await editor.getByLabel('Description').inputValue()) === 'Ask for two years',
        'the description typed before the session ended should be back in the editor')
      await until(async () => (await editor.getByTestId('editor-priority').inputValue()) === 'high',
        'the kept edit should sit on the current version (priority high, changed elsewhere)')
      await editor.getByTestId('editor-save').click()
      await see(page.getByTestId('toast').filter({ hasText: 'Saved.' }), 'the kept edit should save')
      const saved = await t.api.task(session, task.id)
      if (saved.description !== 'Ask for two years' || saved.priority !== 'high') {
        fail(`the task should hold the kept description and the priority changed elsewhere; it has ${JSON.stringify(saved.description)}, ${saved.priority}`)
      }
    },
  },
]

/** Opens a task's editor by clicking its row; it can be edited at once, before its fresh read answers. */
async function openEditor(page, title) {
  await row(page, title).locator('.task-title').click()
  const editor = page.getByTestId('task-editor')
  await see(editor, `clicking the row "${title}" should open the editor`)
  return editor
}

/** Waits until the text of a locator matches. */
async function hasText(locator, pattern, message) {
  await until(async () => {
    const text = (await locator.first().textContent()) ?? ''
    if (pattern.test(text)) return true
    throw new Error(`"${text.trim().slice(0, 120)}"`)
  }, message)
}

/** Waits until the recurrence builder lists these five dates. */
async function nextDatesAre(editor, expected, what) {
  await until(async () => {
    const dates = await editor.getByTestId('recurrence-next-dates').locator('time').evaluateAll((els) => els.map((el) => el.getAttribute('datetime')))
    if (dates.join() === expected.join()) return true
    throw new Error(JSON.stringify(dates))
  }, `${what}: the next five dates should be ${expected.join(', ')}`)
}

function addDays(date, days) {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
}
