// One line in everyday words ("Pay rent every month on the 1st #home !!"), highlighted as it is typed
// and sent to the assistant, so the list understands exactly what the chat understands.
import { useMemo, useRef, useState, type FormEvent } from 'react'
import { ApiError } from '../lib/api'
import { describe, highlight, quickAddMessage } from '../lib/quickAdd'
import { streamChat } from '../lib/sse'
import { loadValue, saveValue, useDraft } from '../lib/storage'
import type { Task } from '../lib/types'
import { useToasts } from './Toasts'

const CONVERSATION_KEY = 'quickAddConversation'

export function QuickAdd({ onTasks, inputRef }: {
  onTasks: (tasks: Task[]) => void
  inputRef: React.RefObject<HTMLInputElement | null>
}) {
  const [text, setText] = useDraft('quickAdd')
  const [busy, setBusy] = useState(false)
  const [answer, setAnswer] = useState<{ text: string; error: boolean } | null>(null)
  const backdrop = useRef<HTMLDivElement>(null)
  const toasts = useToasts()
  const segments = useMemo(() => highlight(text), [text])
  const recognised = describe(segments)

  async function submit(event: FormEvent) {
    event.preventDefault()
    if (!text.trim() || busy) return
    setBusy(true)
    setAnswer(null)
    const send = (conversation: string | null) => streamChat(quickAddMessage(text), conversation, {})
    try {
      let reply
      try {
        reply = await send(loadValue(CONVERSATION_KEY))
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 404)) throw e
        reply = await send(null) // that conversation was deleted: start another
      }
      saveValue(CONVERSATION_KEY, reply.conversationId)
      const tasks = reply.actions.flatMap((a) => (a.result.task ? [a.result.task] : []))
      if (tasks.length > 0) {
        onTasks(tasks)
        setText('')
        toasts.show({ message: reply.reply })
      } else {
        setAnswer({ text: reply.reply, error: false }) // a question back, or a refusal: keep the line
      }
    } catch (e) {
      setAnswer({ text: e instanceof Error ? e.message : String(e), error: true })
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="quick-add" onSubmit={submit} aria-label="Quick add" data-testid="quick-add">
      <div className="quick-add-row">
        <div className="highlight-field">
          <div className="highlight-backdrop" ref={backdrop} aria-hidden="true">
            {segments.map((s, i) => (s.kind
              ? <mark key={i} className={`hl hl-${s.kind}`} data-kind={s.kind}>{s.text}</mark>
              : <span key={i}>{s.text}</span>))}
          </div>
          <input ref={inputRef} value={text} onChange={(e) => setText(e.target.value)}
            onScroll={(e) => { if (backdrop.current) backdrop.current.scrollLeft = e.currentTarget.scrollLeft }}
            placeholder="Add a task: “Pay rent every month on the 1st #home !!”" aria-label="Quick add a task"
            aria-describedby="quick-add-hint" data-testid="quick-add-input" autoComplete="off" spellCheck={false}
            maxLength={3990} />
        </div>
        <button type="submit" className="primary" disabled={busy || !text.trim()} data-testid="quick-add-submit">
          {busy ? 'Adding…' : 'Add'}
        </button>
      </div>
      <p id="quick-add-hint" className="hint" data-testid="quick-add-hint">
        {recognised || 'Dates, times, #tags, ! to !!! for priority and “every …” are understood.'}
      </p>
      {answer && (
        <p className={answer.error ? 'form-error' : 'assistant-note'} role={answer.error ? 'alert' : 'status'}>
          {answer.text}
        </p>
      )}
    </form>
  )
}
