// One task, every field: title, description, due date and time in a zone, all-day, priority, tags, how
// it repeats, reminders and its history. Saves a merge patch with If-Match; a 412 means someone else
// (another tab, the assistant, the recurrence service) changed it first. Whatever answer comes back (the
// fresh read on opening, a reload, a save), fields the person has edited meanwhile keep their value.
// Unsaved changes are kept in storage as they are made, so a session that ends (401) loses none of them:
// after signing in again they come back on top of the version read then.
import { useEffect, useRef, useState, type FormEvent } from 'react'
import { api, ApiError } from '../lib/api'
import { editsOf, formField, formOf, keepEdits, patchOf, rebase, type TaskForm } from '../lib/editor'
import { saveEditorDraft, type EditorDraft } from '../lib/storage'
import { FIRST_DATE, LAST_DATE, allZones, formatInstant } from '../lib/time'
import { PRIORITIES, type Task } from '../lib/types'
import { FieldError, FormError } from './FieldError'
import { History } from './History'
import { RecurrenceBuilder } from './RecurrenceBuilder'
import { Reminders } from './Reminders'
import { useToasts } from './Toasts'

interface Props {
  taskId: string
  /** The task as the list or the chat last saw it, shown while the editor reads it afresh. */
  known: Task | null
  onClose: () => void
  onSaved: (task: Task) => void
  onDeleted: (taskId: string) => void
  onToggle: (task: Task) => void
  /** Unsaved changes to this task kept from a session that ended: applied to the version first shown. */
  kept?: EditorDraft | null
}

/** The version of the task the form started from, and the form as the person has it now. */
interface Draft {
  task: Task
  form: TaskForm
}

const draftOf = (task: Task | null, kept?: EditorDraft | null): Draft | null =>
  (task ? { task, form: { ...formOf(task), ...(kept?.taskId === task.id ? kept.edits : {}) } } : null)

export function TaskEditor({ taskId, known, onClose, onSaved, onDeleted, onToggle, kept = null }: Props) {
  const restored = useRef(kept?.taskId === taskId ? kept : null)
  // one state, so that a newer version is always rebased onto the form against the version it came from
  const [draft, setDraft] = useState<Draft | null>(() => draftOf(known, restored.current))
  const [keptNotice, setKeptNotice] = useState(restored.current !== null)
  const task = draft?.task ?? null
  const form = draft?.form ?? null
  const [errors, setErrors] = useState<Partial<Record<keyof TaskForm | 'due', string>>>({})
  const [problem, setProblem] = useState<string | null>(null)
  const [stale, setStale] = useState(false)
  const [saving, setSaving] = useState(false)
  const [confirmDelete, setConfirmDelete] = useState(false)
  const titleRef = useRef<HTMLInputElement>(null)
  const deleteRef = useRef<HTMLButtonElement>(null)
  // our own save comes back on the socket too, sometimes before its HTTP answer: not someone else's change
  const saving$ = useRef(false)
  // the task shown now: an answer about one opened before is dropped
  const shownId = useRef(taskId)
  const toasts = useToasts()

  const dirty = task !== null && form !== null && Object.keys(patchOf(task, form)).length > 0

  /** Shows a newer version of the task; only the stale notice's Reload discards the person's edits. */
  function take(fresh: Task, edits: 'keep' | 'discard' = 'keep') {
    setDraft((d) => {
      if (!d || d.task.id !== fresh.id) return draftOf(fresh, restored.current)
      if (fresh.version < d.task.version) return d // a read that answers after our own save
      return { task: fresh, form: edits === 'discard' ? formOf(fresh) : rebase(d.task, d.form, fresh) }
    })
  }

  async function reload(edits: 'keep' | 'discard' = 'keep') {
    const id = taskId
    try {
      const fresh = await api.task(id)
      if (shownId.current !== id) return
      take(fresh, edits)
      setStale(false)
      setProblem(null)
      onSaved(fresh)
    } catch (e) {
      if (shownId.current !== id) return
      if (e instanceof ApiError && e.status === 404) {
        toasts.show({ message: 'That task no longer exists.', tone: 'error' })
        onDeleted(taskId)
      } else if (e instanceof ApiError) setProblem(e.problem.detail)
    }
  }

  useEffect(() => {
    if (shownId.current !== taskId) {
      shownId.current = taskId
      restored.current = null
      setKeptNotice(false)
      setDraft(draftOf(known))
    }
    setErrors({})
    setProblem(null)
    setStale(false)
    setConfirmDelete(false)
    void reload()
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [taskId])

  // the title takes the focus once the task is shown (at once when the list knew it, else after the read)
  useEffect(() => {
    if (task) titleRef.current?.focus()
  }, [task?.id])

  // unsaved changes live in storage until saved, discarded or the editor is closed (the workspace forgets
  // them then), so a session that ends, or a reload, does not lose them
  useEffect(() => {
    if (task && form) saveEditorDraft(dirty ? { taskId: task.id, edits: editsOf(formOf(task), form) } : null)
  }, [draft]) // eslint-disable-line react-hooks/exhaustive-deps

  // a newer version arrived live: take it, unless the person is editing, then say so
  useEffect(() => {
    if (!known || !task || known.id !== task.id || known.version <= task.version || saving$.current) return
    if (dirty) setStale(true)
    else take(known)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [known?.version])

  if (!task || !form) {
    return <section className="editor" aria-label="Edit task" data-testid="task-editor"><p className="muted">Loading…</p></section>
  }

  const set = (patch: Partial<TaskForm>) => setDraft((d) => d && { ...d, form: { ...d.form, ...patch } })

  async function save(event: FormEvent) {
    event.preventDefault()
    if (!task || !form) return
    const patch = patchOf(task, form)
    if (Object.keys(patch).length === 0) return
    const sent = form
    setSaving(true)
    saving$.current = true
    setErrors({})
    setProblem(null)
    try {
      const saved = await api.updateTask(task.id, patch, task.version)
      // what was typed while saving stays; the rest shows the saved version
      setDraft((d) => ({ task: saved, form: d ? keepEdits(sent, d.form, formOf(saved)) : formOf(saved) }))
      setStale(false)
      setKeptNotice(false)
      onSaved(saved)
      toasts.show({ message: 'Saved.' })
    } catch (e) {
      if (!(e instanceof ApiError)) throw e
      if (e.status === 412) setStale(true)
      else if (e.fieldErrors.length > 0) {
        const byField: typeof errors = {}
        for (const f of e.fieldErrors) {
          const key = formField(f.field)
          byField[key] = [byField[key], `${f.field === key ? '' : f.field + ' '}${f.message}`].filter(Boolean).join('; ')
        }
        setErrors(byField)
      } else setProblem(e.problem.detail)
    } finally {
      setSaving(false)
      saving$.current = false
    }
  }

  async function remove(stopSeries: boolean) {
    if (!task) return
    try {
      await (stopSeries ? api.deleteTaskSeries(task.id, task.version) : api.deleteTask(task.id, task.version))
      onDeleted(task.id)
      toasts.show({ message: `Deleted “${task.title}”.` })
    } catch (e) {
      if (!(e instanceof ApiError)) throw e
      if (e.status === 412) setStale(true)
      else setProblem(e.problem.detail)
    }
  }

  const describedBy = (field: keyof TaskForm | 'due') => (errors[field] ? `editor-${field}-error` : undefined)
  const done = task.status === 'completed'

  return (
    <section className="editor" aria-labelledby="editor-heading" data-testid="task-editor"
      onKeyDown={(e) => { if (e.key === 'Escape') { e.stopPropagation(); onClose() } }}>
      <header className="editor-header">
        <h2 id="editor-heading">Edit task</h2>
        <button type="button" className="icon-button" aria-label="Close editor" onClick={onClose}>×</button>
      </header>
      {keptNotice && (
        <p className="notice" role="status" data-testid="kept-notice">
          Your unsaved changes were kept. Save them when you are ready.
        </p>
      )}
      {stale && (
        <div className="notice warning" role="alert" data-testid="stale-notice">
          <p>This task was changed elsewhere (another tab, the assistant or a repeat) since you opened it.</p>
          <button type="button" onClick={() => reload('discard')}>Reload</button>
          {dirty && <button type="button" onClick={() => reload()}>Keep my edits on the new version</button>}
        </div>
      )}
      <form onSubmit={save} className="editor-form" aria-label="Task details">
        <div className="field">
          <label htmlFor="editor-title">Title</label>
          <input id="editor-title" ref={titleRef} value={form.title} onChange={(e) => set({ title: e.target.value })}
            aria-invalid={!!errors.title} aria-describedby={describedBy('title')} maxLength={500} required />
          <FieldError id="editor-title-error" message={errors.title} />
        </div>
        <div className="field">
          <label htmlFor="editor-description">Description</label>
          <textarea id="editor-description" rows={3} value={form.description}
            onChange={(e) => set({ description: e.target.value })} aria-invalid={!!errors.description}
            aria-describedby={describedBy('description')} />
          <FieldError id="editor-description-error" message={errors.description} />
        </div>
        <fieldset className="due" aria-describedby={describedBy('due')}>
          <legend>Due</legend>
          <div className="field-row">
            <label className="compact">
              <span>Date</span>
              <input type="date" min={FIRST_DATE} max={LAST_DATE} value={form.date} onChange={(e) => set({ date: e.target.value })} data-testid="editor-date" />
            </label>
            <label className="compact">
              <span>Time</span>
              <input type="time" value={form.time} disabled={form.allDay || !form.date}
                onChange={(e) => set({ time: e.target.value })} data-testid="editor-time" />
            </label>
            <label className="compact">
              <input type="checkbox" checked={form.allDay} disabled={!form.date}
                onChange={(e) => set({ allDay: e.target.checked })} />
              <span>All day</span>
            </label>
            {form.date && (
              <button type="button" className="link-button" onClick={() => set({ date: '', time: '', allDay: false })}>
                No due date
              </button>
            )}
          </div>
          <label className="compact">
            <span>Time zone</span>
            <input list="editor-zones" value={form.timeZone} onChange={(e) => set({ timeZone: e.target.value })}
              aria-invalid={!!errors.timeZone} aria-describedby={describedBy('timeZone')} data-testid="editor-timezone" />
            <datalist id="editor-zones">{allZones().map((z) => <option key={z} value={z} />)}</datalist>
          </label>
          <FieldError id="editor-timeZone-error" message={errors.timeZone} />
          <FieldError id="editor-due-error" message={errors.due} />
        </fieldset>
        <div className="field-row">
          <label className="compact">
            <span>Priority</span>
            <select value={form.priority} onChange={(e) => set({ priority: e.target.value as Task['priority'] })}
              data-testid="editor-priority">
              {PRIORITIES.map((p) => <option key={p} value={p}>{p}</option>)}
            </select>
          </label>
          <div className="field grow">
            <label htmlFor="editor-tags">Tags</label>
            <input id="editor-tags" value={form.tags} placeholder="#home #errands" onChange={(e) => set({ tags: e.target.value })}
              aria-invalid={!!errors.tags} aria-describedby={describedBy('tags')} />
            <FieldError id="editor-tags-error" message={errors.tags} />
          </div>
        </div>
        <RecurrenceBuilder value={form.recurrence} due={form.date || null} error={errors.recurrence}
          onChange={(recurrence) => set({ recurrence })} />
        <FormError message={problem} />
        <div className="editor-actions">
          <button type="submit" className="primary" disabled={!dirty || saving} data-testid="editor-save">
            {saving ? 'Saving…' : 'Save'}
          </button>
          <button type="button" disabled={!dirty} onClick={() => { setDraft(draftOf(task)); setKeptNotice(false) }}>
            Discard changes
          </button>
          <button type="button" onClick={() => onToggle(task)}>{done ? 'Reopen' : 'Complete'}</button>
        </div>
      </form>
      <p className="muted small">
        {task.occurrence ? `Occurrence ${task.occurrence} of a series · ` : ''}
        Created {formatInstant(task.createdAt)}{done && task.completedAt ? ` · completed ${formatInstant(task.completedAt)}` : ''}
      </p>
      <Reminders task={task} onChanged={() => reload()} />
      <History taskId={task.id} version={task.version} />
      <div className="danger-zone">
        {!confirmDelete ? (
          <button type="button" className="danger" ref={deleteRef} onClick={() => setConfirmDelete(true)}>Delete task…</button>
        ) : (
          <div role="group" aria-label="Confirm delete">
            <span>Delete “{task.title}”?</span>
            <button type="button" className="danger" onClick={() => remove(false)}>
              {task.recurrence ? 'Delete this one' : 'Delete'}
            </button>
            {task.recurrence && <button type="button" className="danger" onClick={() => remove(true)}>Delete and stop repeating</button>}
            <button type="button" autoFocus onClick={() => {
              setConfirmDelete(false)
              requestAnimationFrame(() => deleteRef.current?.focus())
            }}>Cancel</button>
          </div>
        )}
      </div>
    </section>
  )
}
