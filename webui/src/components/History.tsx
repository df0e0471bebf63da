// What happened to a task and who did it, from the audit trail.
import { useEffect, useState } from 'react'
import { api, ApiError } from '../lib/api'
import { formatInstant } from '../lib/time'
import type { Actor, TaskEvent } from '../lib/types'

const WHO: Record<Actor, string> = {
  user: 'by you',
  assistant: 'by the assistant via chat',
  recurrence: 'by recurrence',
  system: 'by the system',
}

const FIELD_NAMES: Record<string, string> = {
  title: 'title', description: 'description', dueAt: 'due date', priority: 'priority', tags: 'tags',
  timeZone: 'time zone', allDay: 'all-day', recurrence: 'repetition', reminders: 'reminders', status: 'status',
}

/** "Changed priority (low → high), due date" — short values shown, long ones only named. */
export function describeEvent(event: TaskEvent): string {
  const what = {
    'task.created.v1': event.actor === 'recurrence' ? 'Next occurrence created' : 'Created',
    'task.completed.v1': 'Completed',
    'task.reopened.v1': 'Reopened',
    'task.deleted.v1': 'Deleted',
    'task.updated.v1': 'Changed',
  }[event.type]
  let text = `${what} ${WHO[event.actor]}`
  if (event.type === 'task.updated.v1' && event.changes) {
    const fields = Object.entries(event.changes).filter(([name]) => name in FIELD_NAMES).map(([name, change]) => {
      const simple = (v: unknown) => typeof v === 'string' && v.length <= 24 && name !== 'dueAt' ? v : null
      const before = simple(change.previous)
      const after = simple(change.current)
      return before !== null && after !== null ? `${FIELD_NAMES[name]} (${before} → ${after})` : FIELD_NAMES[name]
    })
    if (fields.length > 0) text = `Changed ${fields.join(', ')} ${WHO[event.actor]}`
  }
  return text
}

export function History({ taskId, version }: { taskId: string; version: number }) {
  const [events, setEvents] = useState<TaskEvent[] | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    let cancelled = false
    // the trail is fed through the broker: a change just made may take a moment to show
    api.history(taskId)
      .then((page) => { if (!cancelled) { setEvents(page.items); setError(null) } })
      .catch((e) => {
        if (cancelled) return
        if (e instanceof ApiError && e.status === 404) setEvents([])
        else setError(e instanceof ApiError ? e.problem.detail : String(e))
      })
    return () => { cancelled = true }
  }, [taskId, version])

  return (
    <section className="history" aria-labelledby="history-heading" data-testid="task-history">
      <h3 id="history-heading">History</h3>
      {error && <p className="form-error" role="alert">{error}</p>}
      {events === null && !error && <p className="muted">Loading…</p>}
      {events?.length === 0 && <p className="muted">Nothing recorded yet.</p>}
      {events && events.length > 0 && (
        <ol className="history-list">
          {events.map((e) => (
            <li key={e.eventId} data-actor={e.actor}>
              <span>{describeEvent(e)}</span>
              <time dateTime={e.occurredAt}>{formatInstant(e.occurredAt)}</time>
            </li>
          ))}
        </ol>
      )}
    </section>
  )
}
