// The conversation with the assistant: replies stream in as they are written, each tool action shows
// as a small card that opens its task, and earlier conversations can be picked up again.
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react'
import { api, ApiError } from '../lib/api'
import { streamChat } from '../lib/sse'
import { loadValue, saveValue, useDraft } from '../lib/storage'
import { formatDue } from '../lib/time'
import type { ChatAction, ChatMessage, Conversation, Task } from '../lib/types'

const CURRENT_KEY = 'conversation'
const SUGGESTIONS = ['What is due today?', 'add Call mum tomorrow at 6pm #family', 'Show my high priority tasks',
  'remind me to water the plants every Saturday morning']

interface Shown extends Pick<ChatMessage, 'role' | 'content' | 'actions'> {
  key: string
  pending?: boolean
  failed?: boolean
}

interface Props {
  onTask: (task: Task) => void
  onOpenTask: (task: Task) => void
  onDeletedTask: (taskId: string) => void
  inputRef: React.RefObject<HTMLTextAreaElement | null>
}

export function ChatPanel({ onTask, onOpenTask, onDeletedTask, inputRef }: Props) {
  const [conversationId, setConversationId] = useState<string | null>(() => loadValue(CURRENT_KEY))
  const [messages, setMessages] = useState<Shown[]>([])
  const [conversations, setConversations] = useState<Conversation[] | null>(null)
  const [showList, setShowList] = useState(false)
  const [draft, setDraft] = useDraft('chat')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const log = useRef<HTMLDivElement>(null)
  const keySeq = useRef(0)
  const nextKey = () => `m${keySeq.current++}`

  useEffect(() => saveValue(CURRENT_KEY, conversationId), [conversationId])

  // the stored conversation, when the panel opens with one
  useEffect(() => {
    const id = loadValue(CURRENT_KEY)
    if (id) void open(id)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  useEffect(() => {
    log.current?.scrollTo({ top: log.current.scrollHeight })
  }, [messages])

  async function open(id: string) {
    setError(null)
    try {
      const page = await api.messages(id)
      setConversationId(id)
      setMessages(page.items.map((m) => ({ key: m.id, role: m.role, content: m.content, actions: m.actions })))
      setShowList(false)
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) startNew()
      else if (e instanceof ApiError) setError(e.problem.detail)
    }
  }

  function startNew() {
    setConversationId(null)
    setMessages([])
    setShowList(false)
    setError(null)
    inputRef.current?.focus()
  }

  async function toggleList() {
    if (!showList) {
      setConversations(null)
      api.conversations().then((page) => setConversations(page.items))
        .catch((e) => setError(e instanceof ApiError ? e.problem.detail : String(e)))
    }
    setShowList(!showList)
  }

  async function removeConversation(id: string) {
    try {
      await api.deleteConversation(id)
      setConversations((all) => all?.filter((c) => c.id !== id) ?? null)
      if (id === conversationId) startNew()
    } catch (e) {
      if (e instanceof ApiError) setError(e.problem.detail)
    }
  }

  async function say(text: string) {
    const message = text.trim()
    if (!message || busy) return
    setBusy(true)
    setError(null)
    setDraft('')
    const replyKey = nextKey()
    setMessages((all) => [...all, { key: nextKey(), role: 'user', content: message, actions: [] },
      { key: replyKey, role: 'assistant', content: '', actions: [], pending: true }])
    const updateReply = (change: (m: Shown) => Shown) =>
      setMessages((all) => all.map((m) => (m.key === replyKey ? change(m) : m)))
    try {
      const reply = await streamChat(message, conversationId, {
        conversation: (id) => setConversationId(id),
        token: (piece) => updateReply((m) => ({ ...m, content: m.content + piece })),
        action: (action) => {
          updateReply((m) => ({ ...m, actions: [...m.actions, action] }))
          applyAction(action)
        },
      })
      updateReply((m) => ({ ...m, content: reply.reply, actions: reply.actions, pending: false }))
      if (!reply.saved) setError('The reply could not be stored in this conversation, but what it says was done.')
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        setDraft(message) // keep it for after signing in again
        return
      }
      const why = e instanceof ApiError ? (e.field('message') ?? e.problem.detail) : (e as Error).message
      updateReply((m) => ({ ...m, pending: false, failed: true, content: m.content || why }))
      if (e instanceof ApiError) setDraft(message)
    } finally {
      setBusy(false)
    }
  }

  function applyAction(action: ChatAction) {
    if (action.result.task) onTask(action.result.task)
    action.result.items?.forEach(onTask)
    if (action.result.deleted) onDeletedTask(action.result.deleted.id)
  }

  function submit(event: FormEvent) {
    event.preventDefault()
    void say(draft)
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault()
      void say(draft)
    }
  }

  return (
    <section className="chat" aria-labelledby="chat-heading" data-testid="chat-panel">
      <header className="chat-header">
        <h2 id="chat-heading">Assistant</h2>
        <div className="chat-header-actions">
          <button type="button" onClick={toggleList} aria-expanded={showList} aria-controls="conversation-list"
            data-testid="conversations-toggle">Conversations</button>
          <button type="button" onClick={startNew} data-testid="chat-new">New chat</button>
        </div>
      </header>
      {showList && (
        <nav id="conversation-list" className="conversation-list" aria-label="Conversations" data-testid="conversation-list">
          {conversations === null ? <p className="muted">Loading…</p> : conversations.length === 0 ? (
            <p className="muted">No conversations yet.</p>
          ) : (
            <ul>
              {conversations.map((c) => (
                <li key={c.id} className={c.id === conversationId ? 'current' : undefined}>
                  <button type="button" className="conversation-open" onClick={() => open(c.id)}
                    aria-current={c.id === conversationId || undefined}>
                    <span className="conversation-title">{c.title}</span>
                    <time dateTime={c.updatedAt} className="muted small">{new Date(c.updatedAt).toLocaleString()}</time>
                  </button>
                  <button type="button" className="icon-button" aria-label={`Delete conversation ${c.title}`}
                    onClick={() => removeConversation(c.id)}>×</button>
                </li>
              ))}
            </ul>
          )}
        </nav>
      )}
      <div className="chat-log" ref={log} role="log" aria-live="polite" aria-label="Conversation" data-testid="chat-log">
        {messages.length === 0 && (
          <div className="chat-empty">
            <p>Tell me what you need to do, in your own words.</p>
            <ul className="suggestions">
              {SUGGESTIONS.map((s) => (
                <li key={s}><button type="button" className="chip" onClick={() => say(s)}>{s}</button></li>
              ))}
            </ul>
          </div>
        )}
        {messages.map((m) => (
          <div key={m.key} className={`message message-${m.role}${m.failed ? ' failed' : ''}`} data-testid={`message-${m.role}`}
            aria-busy={m.pending || undefined}>
            <span className="visually-hidden">{m.role === 'user' ? 'You:' : 'Assistant:'}</span>
            {m.actions.length > 0 && (
              <div className="action-cards">
                {m.actions.map((a, i) => <ActionCard key={i} action={a} onOpenTask={onOpenTask} />)}
              </div>
            )}
            {(m.content || m.pending) && (
              <p className="message-text">{m.content || <span className="typing" aria-label="The assistant is answering">…</span>}</p>
            )}
          </div>
        ))}
      </div>
      {error && <p className="form-error" role="alert">{error}</p>}
      <form className="chat-input" onSubmit={submit} aria-label="Message the assistant">
        <textarea ref={inputRef} rows={2} value={draft} onChange={(e) => setDraft(e.target.value)} onKeyDown={onKeyDown}
          placeholder="Ask, add or change anything…" aria-label="Message the assistant" data-testid="chat-input"
          maxLength={4000} />
        <button type="submit" className="primary" disabled={busy || !draft.trim()} data-testid="chat-send">
          {busy ? '…' : 'Send'}
        </button>
      </form>
    </section>
  )
}

const VERBS: Record<string, string> = {
  add_task: 'Added', create_recurring_task: 'Added, repeating', update_task: 'Changed', complete_task: 'Completed',
  delete_task: 'Deleted', set_task_priority: 'Priority set', set_task_due_date: 'Due date set', add_task_tags: 'Tagged',
  set_reminder: 'Reminder set', list_reminders: 'Reminders of', list_tasks: 'Listed', search_tasks: 'Found',
  filter_tasks: 'Found', sort_tasks: 'Sorted',
}

function ActionCard({ action, onOpenTask }: { action: ChatAction; onOpenTask: (t: Task) => void }) {
  const verb = VERBS[action.tool] ?? action.tool.replaceAll('_', ' ')
  const { task, items, deleted, error } = action.result
  if (error) {
    return (
      <div className="action-card action-error" data-testid="action-card" data-tool={action.tool}>
        <span className="action-verb">Could not {action.tool.replaceAll('_', ' ')}</span>
        <span>{error.message}</span>
      </div>
    )
  }
  if (task) {
    return (
      <button type="button" className="action-card" data-testid="action-card" data-tool={action.tool}
        onClick={() => onOpenTask(task)} aria-label={`${verb}: ${task.title}. Open task`}>
        <span className="action-verb">{verb}</span>
        <span className="action-title">{task.title}</span>
        {task.dueAt && <span className="muted small">{formatDue(task.dueAt, task.allDay, task.timeZone)}</span>}
      </button>
    )
  }
  if (items) {
    return (
      <div className="action-card" data-testid="action-card" data-tool={action.tool}>
        <span className="action-verb">{verb} {items.length} task{items.length === 1 ? '' : 's'}</span>
        <ul className="action-items">
          {items.slice(0, 8).map((t) => (
            <li key={t.id}><button type="button" className="link-button" onClick={() => onOpenTask(t)}>{t.title}</button></li>
          ))}
          {items.length > 8 && <li className="muted small">and {items.length - 8} more</li>}
        </ul>
      </div>
    )
  }
  return (
    <div className="action-card" data-testid="action-card" data-tool={action.tool}>
      <span className="action-verb">{verb}</span>
      {deleted && <span className="action-title">{deleted.title}</span>}
    </div>
  )
}
