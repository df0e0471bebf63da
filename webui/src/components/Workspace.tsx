// The signed-in screen: tasks (quick add, filters, list) beside the assistant, the editor over them,
// live updates from /ws, reminders as they fire, and the keyboard shortcuts. On a phone the editor fills
// the screen, so there it is a modal dialog: the page behind is inert, Tab stays inside, and Esc or the
// browser's back button closes it.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { api, ApiError } from '../lib/api'
import { DEFAULT_FILTERS, isFiltered, type Filters } from '../lib/filters'
import { LiveConnection, type LiveMessage, type LiveStatus } from '../lib/live'
import { loadEditorDraft, loadValue, saveEditorDraft, saveValue } from '../lib/storage'
import type { FiredReminder, Session, Task } from '../lib/types'
import { useTaskList } from '../lib/useTaskList'
import { ChatPanel } from './ChatPanel'
import { ConnectionIndicator } from './ConnectionIndicator'
import { FilterBar } from './FilterBar'
import { QuickAdd } from './QuickAdd'
import { TaskEditor } from './TaskEditor'
import { rowTarget, TaskList } from './TaskList'
import { useToasts } from './Toasts'

function loadFilters(): Filters {
  try {
    return { ...DEFAULT_FILTERS, ...JSON.parse(loadValue('filters') ?? '{}'), q: '' }
  } catch {
    return DEFAULT_FILTERS
  }
}

const PHONE = '(max-width: 720px)' // as in styles.css

function usePhone(): boolean {
  const [phone, setPhone] = useState(() => window.matchMedia?.(PHONE).matches ?? false)
  useEffect(() => {
    const query = window.matchMedia?.(PHONE)
    if (!query) return
    const change = () => setPhone(query.matches)
    query.addEventListener('change', change)
    return () => query.removeEventListener('change', change)
  }, [])
  return phone
}

/** Keeps Tab and Shift+Tab inside `event.currentTarget`, going round from the last element to the first. */
function trapTab(event: React.KeyboardEvent<HTMLElement>) {
  if (event.key !== 'Tab') return
  const focusable = [...event.currentTarget.querySelectorAll<HTMLElement>(
    'a[href], button:not(:disabled), input:not(:disabled), select:not(:disabled), textarea:not(:disabled), [tabindex]:not([tabindex="-1"])',
  )].filter((el) => el.tabIndex >= 0 && el.getClientRects().length > 0)
  if (focusable.length === 0) return
  const first = focusable[0]
  const last = focusable[focusable.length - 1]
  const at = document.activeElement
  if (event.shiftKey && (at === first || !event.currentTarget.contains(at))) {
    event.preventDefault()
    last.focus()
  } else if (!event.shiftKey && (at === last || !event.currentTarget.contains(at))) {
    event.preventDefault()
    first.focus()
  }
}

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null
  return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName))
}

export function Workspace({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const zone = session.user.timeZone
  const [filters, setFilters] = useState<Filters>(loadFilters)
  const list = useTaskList(filters, zone)
  const [selectedId, setSelectedId] = useState<string | null>(null)
  // unsaved editor changes from a session that ended (or a reload): their task opens with them at once
  const [keptEdits, setKeptEdits] = useState(loadEditorDraft)
  const [editingId, setEditingId] = useState<string | null>(() => keptEdits?.taskId ?? null)
  const [seen, setSeen] = useState<Record<string, Task>>({}) // tasks met outside the list (chat cards, live)
  const [status, setStatus] = useState<{ status: LiveStatus; retryIn?: number }>({ status: 'connecting' })
  const [view, setView] = useState<'tasks' | 'chat'>('tasks')
  const [showHelp, setShowHelp] = useState(false)
  const phone = usePhone()
  const modal = phone && editingId !== null // the page behind the full-screen editor is inert
  const [permission, setPermission] = useState(() => ('Notification' in window ? Notification.permission : 'denied'))
  const toasts = useToasts()
  const searchRef = useRef<HTMLInputElement>(null)
  const quickAddRef = useRef<HTMLInputElement>(null)
  const chatRef = useRef<HTMLTextAreaElement>(null)
  const listRef = useRef<HTMLUListElement>(null)
  const firedReminders = useRef(new Set<string>())
  const editing = useRef(editingId) // for callbacks made earlier (a chat reply still streaming, a toast)
  editing.current = editingId
  // where the focus goes back to when the editor closes: what had it when the editor opened
  const editorOpener = useRef<Element | null>(null)
  // on a phone the open editor is a history entry of its own, so that the back button closes it
  const editorInHistory = useRef(false)

  useEffect(() => saveValue('filters', JSON.stringify({ ...filters, q: '' })), [filters])

  const remember = useCallback((task: Task) => {
    setSeen((all) => (all[task.id] && all[task.id].version >= task.version ? all : { ...all, [task.id]: task }))
  }, [])
  const putTask = useCallback((task: Task) => {
    list.put(task)
    remember(task)
  }, [list.put, remember])
  const dropTask = (taskId: string) => {
    list.remove(taskId)
    if (editing.current === taskId) closeEditor()
  }

  const known = (id: string | null): Task | null => {
    if (!id) return null
    const inList = list.items.find((t) => t.id === id)
    const other = seen[id]
    if (inList && other) return inList.version >= other.version ? inList : other
    return inList ?? other ?? null
  }

  // ---- live updates ----
  const reminder = useCallback((r: FiredReminder) => {
    const key = `${r.reminderId}@${r.at}` // delivery is at least once
    if (firedReminders.current.has(key)) return
    firedReminders.current.add(key)
    const message = r.missed ? `Missed reminder: ${r.title}` : `Reminder: ${r.title}`
    toasts.show({
      message,
      tone: 'reminder',
      actions: [
        { label: 'Open', run: () => openEditor(r.taskId) },
        { label: 'Snooze 10 min', run: () => void api.snooze(r.reminderId, 10).catch(() => {}) },
      ],
    })
    if ('Notification' in window && Notification.permission === 'granted') {
      try {
        const n = new Notification(r.missed ? 'Missed reminder' : 'Reminder', { body: r.title, tag: key })
        n.onclick = () => { window.focus(); openEditor(r.taskId) }
      } catch {
        // Chrome on Android only shows notifications through a service worker; the toast is there
      }
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [toasts])

  const onLive = useRef<(m: LiveMessage) => void>(() => {})
  onLive.current = (message: LiveMessage) => {
    if (message.type === 'reminder') reminder(message.reminder)
    else if (message.type === 'resync') list.reload()
    else {
      list.live(message)
      if (message.task) remember(message.task)
      else if (message.taskId === editingId) {
        toasts.show({ message: 'The task you were editing was deleted elsewhere.', tone: 'error' })
        closeEditor()
      }
    }
  }
  useEffect(() => {
    const connection = new LiveConnection({
      token: () => session.token,
      onMessage: (m) => onLive.current(m),
      onStatus: (s, retryIn) => {
        setStatus({ status: s, retryIn })
        // a socket refused for an expired token looks like any other failure: an API call tells, and its
        // 401 brings back the sign-in
        if (s === 'offline' && navigator.onLine) api.me().catch(() => {})
      },
      onGap: () => list.reload(),
    })
    connection.start()
    const nudge = () => { if (document.visibilityState === 'visible') connection.nudge() }
    window.addEventListener('online', nudge)
    document.addEventListener('visibilitychange', nudge)
    return () => {
      connection.stop()
      window.removeEventListener('online', nudge)
      document.removeEventListener('visibilitychange', nudge)
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [session.token])

  // ---- complete with undo ----
  const toggle = useCallback(async (task: Task) => {
    try {
      if (task.status === 'open') {
        const done = await api.complete(task.id)
        putTask(done)
        toasts.show({
          message: `Completed “${task.title}”${task.recurrence ? '; the next one is on its way' : ''}.`,
          actions: [{ label: 'Undo', run: () => void api.reopen(task.id).then(putTask).catch(showError) }],
        })
      } else {
        putTask(await api.reopen(task.id))
        toasts.show({ message: `Reopened “${task.title}”.` })
      }
    } catch (e) {
      showError(e)
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [putTask, toasts])

  function showError(e: unknown) {
    if (e instanceof ApiError) {
      if (e.status === 404) toasts.show({ message: 'That task no longer exists.', tone: 'error' })
      else if (e.status !== 401) toasts.show({ message: e.problem.detail, tone: 'error' })
    }
  }

  // ---- selection and keyboard ----
  const focusRow = (id: string) => {
    requestAnimationFrame(() => rowTarget(listRef.current, id)?.focus())
  }
  const move = (step: number) => {
    if (list.items.length === 0) return
    const at = list.items.findIndex((t) => t.id === selectedId)
    const next = list.items[Math.max(0, Math.min(list.items.length - 1, at < 0 ? 0 : at + step))]
    setSelectedId(next.id)
    focusRow(next.id)
  }
  const selected = useMemo(() => list.items.find((t) => t.id === selectedId) ?? null, [list.items, selectedId])

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.metaKey || event.ctrlKey || event.altKey || event.defaultPrevented) return
      if (event.key === 'Escape') {
        if (showHelp) setShowHelp(false)
        else if (editingId) closeEditor()
        else if (typing(event.target)) (event.target as HTMLElement).blur()
        return
      }
      if (typing(event.target)) return
      switch (event.key) {
        case 'j': case 'ArrowDown': move(1); break
        case 'k': case 'ArrowUp': move(-1); break
        case 'x': if (selected) void toggle(selected); break
        case 'e': if (selected) openEditor(selected.id); break
        case '/': setView('tasks'); requestAnimationFrame(() => searchRef.current?.focus()); break
        case 'n': setView('tasks'); requestAnimationFrame(() => quickAddRef.current?.focus()); break
        case 'c': setView('chat'); requestAnimationFrame(() => chatRef.current?.focus()); break
        case '?': setShowHelp((s) => !s); break
        default: return
      }
      event.preventDefault()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  })

  useEffect(() => {
    if (!modal) return
    if (!editorInHistory.current) {
      history.pushState({ editor: true }, '')
      editorInHistory.current = true
    }
    const back = () => {
      editorInHistory.current = false
      closeEditor()
    }
    window.addEventListener('popstate', back)
    return () => window.removeEventListener('popstate', back)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [modal])

  function openEditor(taskId: string) {
    const active = document.activeElement
    if (!active?.closest('.editor-pane')) editorOpener.current = active
    setEditingId(taskId)
  }

  /** Closes the editor and gives the focus back to what opened it, or else to the task's row. */
  function closeEditor() {
    const id = editing.current
    if (!id) return
    editing.current = null
    setEditingId(null)
    if (editorInHistory.current) {
      editorInHistory.current = false
      history.back() // the entry the editor added (its popstate finds nothing left to close)
    }
    setKeptEdits(null)
    saveEditorDraft(null)
    const inList = list.items.some((t) => t.id === id)
    if (inList) setSelectedId(id)
    const opener = editorOpener.current
    editorOpener.current = null
    requestAnimationFrame(() => {
      if (opener instanceof HTMLElement && opener !== document.body && opener.isConnected && opener.getClientRects().length > 0) {
        opener.focus()
      } else if (inList) {
        rowTarget(listRef.current, id)?.focus()
      }
    })
  }

  function openTask(task: Task) {
    remember(task)
    setSelectedId(task.id)
    openEditor(task.id)
  }

  async function askPermission() {
    if (!('Notification' in window)) return
    const answer = await Notification.requestPermission()
    setPermission(answer)
    toasts.show(answer === 'granted'
      ? { message: 'Reminders will also show as browser notifications.' }
      : { message: 'Browser notifications are blocked, so reminders show only on this page. Your browser’s site settings can allow them.' })
  }

  return (
    <div className={`workspace view-${view}${editingId ? ' editing' : ''}`}>
      <header className="topbar" inert={modal}>
        <h1 className="brand"><span aria-hidden="true">✓</span> todo-chatbot</h1>
        <ConnectionIndicator status={status.status} retryIn={status.retryIn} />
        <div className="topbar-actions">
          {permission === 'default' && (
            <button type="button" className="link-button" onClick={askPermission}>Enable notifications</button>
          )}
          <button type="button" className="link-button" onClick={() => setShowHelp(true)} aria-label="Keyboard shortcuts">?</button>
          <span className="user" title={session.user.email}>{session.user.name}</span>
          <button type="button" onClick={onSignOut} data-testid="sign-out">Sign out</button>
        </div>
      </header>
      <nav className="view-switch" aria-label="Views" inert={modal}>
        <button type="button" aria-pressed={view === 'tasks'} onClick={() => setView('tasks')}>Tasks</button>
        <button type="button" aria-pressed={view === 'chat'} onClick={() => setView('chat')}>Assistant</button>
      </nav>
      <main className="tasks-pane" aria-labelledby="tasks-heading" inert={modal}>
        <h2 id="tasks-heading" className="visually-hidden">Tasks</h2>
        <QuickAdd inputRef={quickAddRef} onTasks={(tasks) => tasks.forEach(putTask)} />
        <FilterBar filters={filters} onChange={setFilters} searchRef={searchRef} />
        <TaskList ref={listRef} list={list} selectedId={selectedId} filtered={isFiltered(filters)}
          onSelect={(t) => setSelectedId(t.id)} onOpen={openTask} onToggle={toggle}
          onTag={(tag) => setFilters((f) => (f.tags.includes(tag) ? f : { ...f, tags: [...f.tags, tag] }))}
          onClearFilters={() => setFilters({ ...DEFAULT_FILTERS, sort: filters.sort, order: filters.order })} />
      </main>
      <aside className="chat-pane" inert={modal}>
        <ChatPanel inputRef={chatRef} onTask={putTask} onOpenTask={openTask} onDeletedTask={dropTask} />
      </aside>
      {editingId && (
        <div className="editor-pane" {...(modal ? { role: 'dialog', 'aria-modal': true, 'aria-label': 'Edit task', onKeyDown: trapTab } : {})}>
          <TaskEditor taskId={editingId} known={known(editingId)} onClose={closeEditor} onSaved={putTask}
            onDeleted={dropTask} onToggle={toggle} kept={keptEdits} />
        </div>
      )}
      {showHelp && <ShortcutHelp onClose={() => setShowHelp(false)} />}
    </div>
  )
}

function ShortcutHelp({ onClose }: { onClose: () => void }) {
  const close = useRef<HTMLButtonElement>(null)
  useEffect(() => {
    const before = document.activeElement
    close.current?.focus()
    return () => { if (before instanceof HTMLElement && before.isConnected) before.focus() }
  }, [])
  const keys: [string, string][] = [
    ['j / k', 'Next / previous task'], ['x', 'Complete or reopen'], ['e, Enter', 'Edit'], ['/', 'Search'],
    ['n', 'Quick add'], ['c', 'Talk to the assistant'], ['Esc', 'Close, or leave a field'], ['?', 'This help'],
  ]
  return (
    <div className="dialog-backdrop" onClick={onClose}>
      <div role="dialog" aria-modal="true" aria-labelledby="help-heading" className="dialog" onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => { if (e.key === 'Tab') { e.preventDefault(); close.current?.focus() } }}>
        <h2 id="help-heading">Keyboard shortcuts</h2>
        <dl className="shortcuts">
          {keys.map(([k, what]) => (<div key={k}><dt><kbd>{k}</kbd></dt><dd>{what}</dd></div>))}
        </dl>
        <button type="button" ref={close} onClick={onClose}>Close</button>
      </div>
    </div>
  )
}
