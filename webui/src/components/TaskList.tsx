// The list of tasks: one row per task (complete with a click, open with a click or Enter), with loading,
// empty and error states. Each row's title is a button, the one element of the row in the Tab order, so a
// screen reader announces it and Enter or Space opens it; j/k move, x completes, e edits (the workspace).
import { forwardRef } from 'react'
import type { TaskList as List } from '../lib/useTaskList'
import { formatDue, isOverdue } from '../lib/time'
import type { Task } from '../lib/types'

interface Props {
  list: List
  selectedId: string | null
  filtered: boolean
  onSelect: (task: Task) => void
  onOpen: (task: Task) => void
  onToggle: (task: Task) => void
  onTag: (tag: string) => void
  onClearFilters: () => void
}

export const TaskList = forwardRef<HTMLUListElement, Props>(function TaskList(
  { list, selectedId, filtered, onSelect, onOpen, onToggle, onTag, onClearFilters }, ref) {
  const failure = list.error && (
    <div className={list.items.length === 0 ? 'empty' : 'form-error'} role="alert" data-testid="task-list-error">
      <p>{list.error.problem.detail}</p>
      {list.error.fieldErrors.map((e) => <p key={e.field} className="field-error">{e.field}: {e.message}</p>)}
      <button type="button" onClick={list.reload}>Try again</button>
    </div>
  )
  if (failure && list.items.length === 0) return failure
  if (list.loading && list.items.length === 0) {
    return (
      <ul className="task-list" aria-busy="true" aria-label="Tasks, loading">
        {[0, 1, 2].map((i) => <li key={i} className="task-row skeleton" aria-hidden="true" />)}
      </ul>
    )
  }
  if (list.items.length === 0) {
    return (
      <div className="empty" data-testid="task-list-empty">
        {filtered ? (
          <>
            <p>No tasks match these filters.</p>
            <button type="button" onClick={onClearFilters}>Clear filters</button>
          </>
        ) : (
          <>
            <p className="empty-title">Nothing to do. Enjoy it.</p>
            <p className="muted">Add a task above, or tell the assistant what is on your mind.</p>
          </>
        )}
      </div>
    )
  }
  // one row is reachable with Tab (the selected one, else the first); j/k and the arrows move from there
  const tabStop = list.items.some((t) => t.id === selectedId) ? selectedId : list.items[0].id
  return (
    <>
      {failure}
      <ul ref={ref} className="task-list" aria-label="Tasks" aria-busy={list.loading} data-testid="task-list">
        {list.items.map((task) => (
          <TaskRow key={task.id} task={task} selected={task.id === selectedId} tabStop={task.id === tabStop} onSelect={onSelect} onOpen={onOpen}
            onToggle={onToggle} onTag={onTag} />
        ))}
      </ul>
      {list.nextCursor && (
        <button type="button" className="load-more" onClick={list.loadMore} disabled={list.loadingMore}>
          {list.loadingMore ? 'Loading…' : 'Load more'}
        </button>
      )}
    </>
  )
})

function TaskRow({ task, selected, tabStop, onSelect, onOpen, onToggle, onTag }: {
  task: Task
  selected: boolean
  tabStop: boolean
  onSelect: (t: Task) => void
  onOpen: (t: Task) => void
  onToggle: (t: Task) => void
  onTag: (tag: string) => void
}) {
  const done = task.status === 'completed'
  const overdue = isOverdue(task)
  const titleId = `task-title-${task.id}`
  const metaId = `task-meta-${task.id}`
  return (
    // a click anywhere else on the row opens it too (a pointer convenience; the buttons inside stop theirs)
    <li className={`task-row${selected ? ' selected' : ''}${done ? ' done' : ''}`} aria-labelledby={titleId}
      aria-current={selected || undefined} data-testid="task-row" data-task-id={task.id} onClick={() => onOpen(task)}>
      <button type="button" role="checkbox" aria-checked={done} className="check"
        aria-label={done ? `Reopen ${task.title}` : `Complete ${task.title}`} data-testid="task-complete"
        onClick={(e) => { e.stopPropagation(); onToggle(task) }}>
        <span aria-hidden="true">{done ? '✓' : ''}</span>
      </button>
      <div className="task-main">
        <button type="button" className="task-open" data-testid="task-open" tabIndex={tabStop ? 0 : -1}
          aria-describedby={metaId} onFocus={() => { if (!selected) onSelect(task) }}
          onClick={(e) => { e.stopPropagation(); onOpen(task) }}>
          <span id={titleId} className="task-title">{task.title}</span>
        </button>
        <div className="task-meta" id={metaId}>
          {task.dueAt && (
            <span className={overdue ? 'due overdue' : 'due'}>
              {overdue && <span className="visually-hidden">Overdue: </span>}
              {formatDue(task.dueAt, task.allDay, task.timeZone)}
            </span>
          )}
          {task.priority !== 'none' && (
            <span className={`badge priority-${task.priority}`}>{task.priority}</span>
          )}
          {task.recurrence && <span className="meta-icon" title={task.recurrence.rule}>↻ <span className="visually-hidden">repeats</span></span>}
          {task.reminders.length > 0 && (
            <span className="meta-icon" title={task.reminders.length === 1 ? '1 reminder' : `${task.reminders.length} reminders`}>
              <Bell /><span className="visually-hidden">{task.reminders.length === 1 ? '1 reminder' : `${task.reminders.length} reminders`}</span>
            </span>
          )}
          {task.tags.map((t) => (
            <button key={t} type="button" className="tag-link" aria-label={`Show tasks tagged ${t}`}
              onClick={(e) => { e.stopPropagation(); onTag(t) }}>#{t}</button>
          ))}
        </div>
      </div>
    </li>
  )
}

function Bell() {
  return (
    <svg aria-hidden="true" width="12" height="12" viewBox="0 0 16 16" fill="currentColor">
      <path d="M8 16a2 2 0 0 0 2-2H6a2 2 0 0 0 2 2Zm5-5V7a5 5 0 0 0-4-4.9V1a1 1 0 0 0-2 0v1.1A5 5 0 0 0 3 7v4l-1 1v1h12v-1l-1-1Z" />
    </svg>
  )
}

/** The focusable element of a task's row (its title button), inside `list`. */
export function rowTarget(list: HTMLElement | null, taskId: string): HTMLElement | null {
  return list?.querySelector<HTMLElement>(`[data-task-id="${taskId}"] .task-open`) ?? null
}
