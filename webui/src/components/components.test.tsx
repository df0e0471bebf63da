import { act, render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { useRef, useState } from 'react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '../lib/api'
import { aTask } from '../lib/testTasks'
import { loadEditorDraft } from '../lib/storage'
import type { Recurrence, Task } from '../lib/types'
import type { TaskList as List } from '../lib/useTaskList'
import { DEFAULT_FILTERS, type Filters } from '../lib/filters'
import { AuthScreen } from './AuthScreen'
import { FilterBar } from './FilterBar'
import { QuickAdd } from './QuickAdd'
import { RecurrenceBuilder } from './RecurrenceBuilder'
import { TaskEditor } from './TaskEditor'
import { TaskList } from './TaskList'
import { ToastProvider } from './Toasts'

afterEach(() => vi.unstubAllGlobals())

function sse(events: [string, unknown][]): Response {
  const text = events.map(([e, d]) => `event: ${e}\ndata: ${JSON.stringify(d)}\n\n`).join('')
  return new Response(text, { status: 200, headers: { 'Content-Type': 'text/event-stream' } })
}

function QuickAddHarness({ onTasks }: { onTasks: (t: Task[]) => void }) {
  const ref = useRef<HTMLInputElement>(null)
  return <ToastProvider><QuickAdd inputRef={ref} onTasks={onTasks} /></ToastProvider>
}

describe('QuickAdd', () => {
  it('highlights what it recognises while the person types', async () => {
    render(<QuickAddHarness onTasks={() => {}} />)
    await userEvent.type(screen.getByLabelText('Quick add a task'), 'Pay rent every month on the 1st #home !!')
    const marks = document.querySelectorAll('mark')
    expect([...marks].map((m) => [m.dataset.kind, m.textContent])).toEqual([
      ['recurrence', 'every month on the 1st'], ['tag', '#home'], ['priority', '!!']])
    expect(screen.getByTestId('quick-add-hint').textContent).toBe('Repeats: every month on the 1st · Tag: #home · Priority: !!')
  })

  it('asks the assistant to add the line and hands over the task it made', async () => {
    const task = aTask({ title: 'Pay rent' })
    const fetch = vi.fn(async () => sse([['conversation', { conversationId: 'c1' }],
      ['action', { tool: 'add_task', arguments: {}, result: { task } }],
      ['done', { conversationId: 'c1', messageId: 'm', reply: 'Added "Pay rent".', actions: [{ tool: 'add_task', arguments: {}, result: { task } }], saved: true }]]))
    vi.stubGlobal('fetch', fetch)
    const onTasks = vi.fn()
    render(<QuickAddHarness onTasks={onTasks} />)
    const input = screen.getByLabelText('Quick add a task')
    await userEvent.type(input, 'Pay rent tomorrow{Enter}')
    await vi.waitFor(() => expect(onTasks).toHaveBeenCalledWith([task]))
    expect(JSON.parse(String((fetch.mock.calls[0] as unknown as [string, RequestInit])[1].body))).toEqual({ message: 'add Pay rent tomorrow' })
    expect(input).toHaveProperty('value', '')
    expect(await screen.findByText('Added "Pay rent".')).toBeTruthy()
  })

  it('keeps the line and shows the answer when nothing was added', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => sse([['done', { conversationId: 'c1', messageId: 'm', reply: 'Which day did you mean?', actions: [], saved: true }]])))
    render(<QuickAddHarness onTasks={() => {}} />)
    await userEvent.type(screen.getByLabelText('Quick add a task'), 'dentist on the 31st{Enter}')
    expect((await screen.findByText('Which day did you mean?')).getAttribute('role')).toBe('status')
    expect(screen.getByLabelText('Quick add a task')).toHaveProperty('value', 'dentist on the 31st')
  })
})

function BuilderHarness({ initial, due }: { initial: Recurrence | null; due: string }) {
  const [value, setValue] = useState(initial)
  return <RecurrenceBuilder value={value} due={due} onChange={setValue} />
}

describe('RecurrenceBuilder', () => {
  it('builds a weekly rule from the chosen days and shows the next five dates', async () => {
    render(<BuilderHarness initial={null} due="2026-12-01" />)
    await userEvent.selectOptions(screen.getByTestId('recurrence-frequency'), 'WEEKLY')
    expect(screen.getByTestId('rrule').textContent).toBe('FREQ=WEEKLY;BYDAY=TU')
    await userEvent.click(screen.getByRole('button', { name: 'Thu' }))
    expect(screen.getByTestId('rrule').textContent).toBe('FREQ=WEEKLY;BYDAY=TU,TH')
    const dates = within(screen.getByTestId('recurrence-next-dates')).getAllByRole('listitem').map((li) => li.querySelector('time')!.getAttribute('datetime'))
    expect(dates).toEqual(['2026-12-01', '2026-12-03', '2026-12-08', '2026-12-10', '2026-12-15'])
  })

  it('switches a monthly rule to the nth weekday and to an end after a count', async () => {
    render(<BuilderHarness initial={{ rule: 'FREQ=MONTHLY;BYMONTHDAY=8', mode: 'fromDue' }} due="2026-12-08" />)
    await userEvent.click(screen.getByRole('radio', { name: /On the/ }))
    expect(screen.getByTestId('rrule').textContent).toBe('FREQ=MONTHLY;BYDAY=2TU')
    await userEvent.click(screen.getByRole('radio', { name: /after/ }))
    expect(screen.getByTestId('rrule').textContent).toBe('FREQ=MONTHLY;BYDAY=2TU;COUNT=10')
    expect(screen.getByText('Every month on the 2nd Tuesday, 10 times')).toBeTruthy()
  })

  it('shows a rule beyond the builder as text', () => {
    render(<BuilderHarness initial={{ rule: 'FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1', mode: 'fromDue' }} due="2026-12-07" />)
    expect(screen.getByTestId('recurrence-rule-input')).toHaveProperty('value', 'FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1')
  })
})

describe('TaskList', () => {
  const list = (items: Task[]): List => ({
    items, nextCursor: null, loading: false, loadingMore: false, error: null,
    loadMore: () => {}, reload: () => {}, put: () => {}, remove: () => {}, live: () => {},
  })
  const handlers = { onSelect: vi.fn(), onOpen: vi.fn(), onToggle: vi.fn(), onTag: vi.fn(), onClearFilters: vi.fn() }

  it('names each row by its task title and completes with a click', async () => {
    const task = aTask({ title: 'Pay rent', tags: ['home'], priority: 'high' })
    render(<TaskList list={list([task])} selectedId={null} filtered={false} {...handlers} />)
    const row = screen.getByRole('listitem', { name: 'Pay rent' })
    await userEvent.click(within(row).getByRole('checkbox', { name: 'Complete Pay rent' }))
    expect(handlers.onToggle).toHaveBeenCalledWith(task)
    expect(handlers.onOpen).not.toHaveBeenCalled()
    await userEvent.click(within(row).getByRole('button', { name: 'Show tasks tagged home' }))
    expect(handlers.onTag).toHaveBeenCalledWith('home')
  })

  it('can be reached with Tab when no row is selected yet', () => {
    render(<TaskList list={list([aTask({ id: 'a', title: 'First' }), aTask({ id: 'b', title: 'Second' })])} selectedId={null}
      filtered={false} {...handlers} />)
    expect(screen.getAllByTestId('task-open').map((button) => button.tabIndex)).toEqual([0, -1])
  })

  it('opens a task from a real button named by its title, with Enter or a click', async () => {
    const task = aTask({ title: 'Pay rent' })
    const onOpen = vi.fn()
    const onSelect = vi.fn()
    render(<TaskList list={list([task])} selectedId={null} filtered={false} {...handlers} onOpen={onOpen} onSelect={onSelect} />)
    const open = within(screen.getByRole('listitem', { name: 'Pay rent' })).getByRole('button', { name: 'Pay rent' })
    await userEvent.tab() // the row's checkbox, then its button
    await userEvent.tab()
    expect(document.activeElement).toBe(open)
    expect(onSelect).toHaveBeenCalledWith(task)
    await userEvent.keyboard('{Enter}')
    expect(onOpen).toHaveBeenCalledTimes(1)
    await userEvent.click(open)
    expect(onOpen).toHaveBeenCalledTimes(2)
  })

  it('says a failed load above the tasks it still shows, with Try again', () => {
    const error = new ApiError({ type: '/problems/offline', title: 'No connection', status: 0, detail: 'The server cannot be reached.' })
    render(<TaskList list={{ ...list([aTask({ title: 'Pay rent' })]), error }} selectedId={null} filtered={false} {...handlers} />)
    expect(screen.getByRole('alert').textContent).toContain('The server cannot be reached.')
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy()
    expect(screen.getByRole('listitem', { name: 'Pay rent' })).toBeTruthy()
  })

  it('says when nothing matches the filters', () => {
    render(<TaskList list={list([])} selectedId={null} filtered {...handlers} />)
    expect(screen.getByText('No tasks match these filters.')).toBeTruthy()
  })
})

describe('AuthScreen', () => {
  it('shows each problem the API names next to its field', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({
      type: '/problems/validation', title: 'The request body is not valid', status: 422, detail: '1 field needs fixing',
      errors: [{ field: 'password', message: 'must be at least 10 characters long' }],
    }), { status: 422, headers: { 'Content-Type': 'application/problem+json' } })))
    render(<AuthScreen onSession={() => {}} expired={false} />)
    await userEvent.click(screen.getByRole('tab', { name: 'Create account' }))
    const form = screen.getByTestId('signup-form')
    await userEvent.type(within(form).getByLabelText('Name'), 'Ada')
    await userEvent.type(within(form).getByLabelText('Email'), 'ada@example.com')
    await userEvent.type(within(form).getByLabelText('Password'), 'short')
    await act(async () => { await userEvent.click(within(form).getByRole('button', { name: 'Create account' })) })
    const password = within(form).getByLabelText('Password')
    expect(password.getAttribute('aria-invalid')).toBe('true')
    expect(document.getElementById(password.getAttribute('aria-describedby')!)!.textContent).toBe('must be at least 10 characters long')
  })
})

describe('TaskEditor', () => {
  function json(body: unknown): Response {
    return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } })
  }

  /** The editor over `known`, its fresh read of the task held back until `answer` is called. */
  function openWithSlowRead(known: Task) {
    let answer: (task: Task) => void = () => {}
    const read = new Promise<Task>((resolve) => { answer = resolve })
    const fetch = vi.fn(async (url: string) => {
      if (url.endsWith('/history?limit=200')) return json({ items: [], nextCursor: null })
      return json(await read)
    })
    vi.stubGlobal('fetch', fetch)
    render(<ToastProvider><TaskEditor taskId={known.id} known={known} onClose={() => {}} onSaved={() => {}}
      onDeleted={() => {}} onToggle={() => {}} /></ToastProvider>)
    return { answer: (task: Task) => act(async () => { answer(task) }), fetch }
  }

  it('keeps edits made before its fresh read of the task answers', async () => {
    const known = aTask({ title: 'Pay rent', priority: 'low' })
    const { answer } = openWithSlowRead(known)
    await userEvent.selectOptions(screen.getByTestId('editor-priority'), 'urgent')
    await answer(known)
    expect(screen.getByTestId('editor-priority')).toHaveProperty('value', 'urgent')
    expect(screen.getByTestId('editor-save')).toHaveProperty('disabled', false)
  })

  it('does not go back to the version its slow read found once a save has answered', async () => {
    const known = aTask({ title: 'Pay rent', priority: 'low' })
    const { answer, fetch } = openWithSlowRead(known)
    fetch.mockImplementationOnce(async () => json({ ...known, priority: 'urgent', version: 2 }))
    await userEvent.selectOptions(screen.getByTestId('editor-priority'), 'urgent')
    await userEvent.click(screen.getByTestId('editor-save'))
    await answer(known)
    expect(screen.getByTestId('editor-priority')).toHaveProperty('value', 'urgent')
    expect(screen.getByTestId('editor-save')).toHaveProperty('disabled', true)
  })

  it('keeps unsaved changes in storage as they are made, and forgets them once saved', async () => {
    const known = aTask({ title: 'Pay rent', priority: 'low' })
    const { answer, fetch } = openWithSlowRead(known)
    await answer(known)
    await userEvent.type(screen.getByLabelText('Description'), 'by card')
    expect(loadEditorDraft()).toEqual({ taskId: known.id, edits: { description: 'by card' } })
    fetch.mockImplementationOnce(async () => json({ ...known, description: 'by card', version: 2 }))
    await userEvent.click(screen.getByTestId('editor-save'))
    await vi.waitFor(() => expect(loadEditorDraft()).toBeNull())
  })

  it('puts changes kept from an ended session on top of the version read after signing in again', async () => {
    const before = aTask({ title: 'Pay rent', priority: 'low' })
    let answer: (task: Task) => void = () => {}
    const read = new Promise<Task>((resolve) => { answer = resolve })
    vi.stubGlobal('fetch', vi.fn(async (url: string) =>
      json(url.endsWith('/history?limit=200') ? { items: [], nextCursor: null } : await read)))
    render(<ToastProvider><TaskEditor taskId={before.id} known={null} onClose={() => {}} onSaved={() => {}}
      onDeleted={() => {}} onToggle={() => {}} kept={{ taskId: before.id, edits: { description: 'by card' } }} /></ToastProvider>)
    await act(async () => { answer({ ...before, priority: 'high', version: 3 }) })
    expect(screen.getByTestId('kept-notice').textContent).toMatch(/unsaved changes were kept/)
    expect(screen.getByLabelText('Description')).toHaveProperty('value', 'by card')
    expect(screen.getByTestId('editor-priority')).toHaveProperty('value', 'high')
    expect(screen.getByTestId('editor-save')).toHaveProperty('disabled', false)
  })

  it('shows what the fresh read brings in the fields the person has not edited', async () => {
    const known = aTask({ title: 'Pay rent', priority: 'low' })
    const { answer } = openWithSlowRead(known)
    await userEvent.type(screen.getByLabelText('Description'), 'by card')
    await answer({ ...known, title: 'Pay the rent', version: 2 })
    expect(screen.getByLabelText('Title', { exact: true })).toHaveProperty('value', 'Pay the rent')
    expect(screen.getByLabelText('Description')).toHaveProperty('value', 'by card')
  })
})

function FilterHarness() {
  const [filters, setFilters] = useState<Filters>(DEFAULT_FILTERS)
  const search = useRef<HTMLInputElement>(null)
  return <FilterBar filters={filters} onChange={setFilters} searchRef={search} />
}

describe('FilterBar', () => {
  it('is one Tab stop per group: arrows choose the due range and move among the priorities', async () => {
    render(<FilterHarness />)
    screen.getByRole('radio', { name: 'Any time' }).focus()
    await userEvent.keyboard('{ArrowRight}')
    const today = screen.getByRole('radio', { name: 'Today' })
    expect(document.activeElement).toBe(today)
    expect(today.getAttribute('aria-checked')).toBe('true')
    await userEvent.keyboard('{ArrowLeft}{ArrowLeft}')
    expect(screen.getByRole('radio', { name: 'Overdue' }).getAttribute('aria-checked')).toBe('true')
    expect(screen.getAllByRole('radio').map((r) => r.tabIndex)).toEqual([-1, -1, -1, 0])

    await userEvent.tab()
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'low' }))
    await userEvent.keyboard('{ArrowRight}{ArrowRight} ')
    const high = screen.getByRole('button', { name: 'high' })
    expect(document.activeElement).toBe(high)
    expect(high.getAttribute('aria-pressed')).toBe('true')
    expect(screen.getByRole('button', { name: 'low' }).getAttribute('aria-pressed')).toBe('false')
    expect(within(screen.getByTestId('filter-priority')).getAllByRole('button').map((b) => b.tabIndex)).toEqual([-1, -1, 0, -1])
    await userEvent.tab()
    expect(document.activeElement).toBe(screen.getByLabelText('Filter by tag'))
  })
})
