// The task editor's form: the fields as the person sees them (a date, a time, a zone) and the merge
// patch that sends only what they changed.
import { isValidZone, wallClock, zonedInstant } from './time'
import type { Priority, Recurrence, Task } from './types'

export interface TaskForm {
  title: string
  description: string
  date: string
  time: string
  allDay: boolean
  timeZone: string
  priority: Priority
  tags: string
  recurrence: Recurrence | null
}

export function formOf(task: Task): TaskForm {
  const due = task.dueAt ? wallClock(task.dueAt, task.timeZone) : { date: '', time: '' }
  return {
    title: task.title,
    description: task.description ?? '',
    date: due.date,
    time: task.allDay ? '' : due.time,
    allDay: task.allDay,
    timeZone: task.timeZone,
    priority: task.priority,
    tags: task.tags.map((t) => `#${t}`).join(' '),
    recurrence: task.recurrence,
  }
}

export function parseTags(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).map((t) => t.replace(/^#+/, '').toLowerCase()).filter(Boolean))]
}

const DEFAULT_TIME = '09:00'

/** The merge patch from `task` to `form`: only fields whose value changed. `{}` when nothing did. */
export function patchOf(task: Task, form: TaskForm): Record<string, unknown> {
  const before = formOf(task)
  const patch: Record<string, unknown> = {}
  if (form.title.trim() !== task.title) patch.title = form.title.trim()
  if (form.description.trim() !== before.description.trim()) patch.description = form.description.trim() || null
  if (form.priority !== task.priority) patch.priority = form.priority
  const tags = parseTags(form.tags)
  if (tags.join(' ') !== task.tags.join(' ')) patch.tags = tags.length > 0 ? tags : null
  if (form.timeZone !== task.timeZone) patch.timeZone = form.timeZone
  const dueChanged = form.date !== before.date || form.allDay !== before.allDay ||
    (!form.allDay && (form.time || DEFAULT_TIME) !== (before.time || DEFAULT_TIME)) || form.timeZone !== task.timeZone
  if (dueChanged) {
    if (!form.date) {
      patch.dueAt = null
      if (task.allDay) patch.allDay = false
    } else if (form.allDay) {
      patch.dueAt = form.date
      patch.allDay = true
    } else {
      // a zone being typed may not exist (yet): the API names the problem with timeZone, so read the time in
      // the zone the task had until then
      const zone = isValidZone(form.timeZone) ? form.timeZone : task.timeZone
      patch.dueAt = zonedInstant(form.date, form.time || DEFAULT_TIME, zone)
      if (task.allDay) patch.allDay = false
    }
  }
  const rule = (r: Recurrence | null) => (r ? `${r.rule}|${r.mode}` : '')
  if (rule(form.recurrence) !== rule(task.recurrence)) {
    patch.recurrence = form.recurrence ? { rule: form.recurrence.rule, mode: form.recurrence.mode } : null
  }
  return patch
}

/** Where the API's field names (`tags[2]`, `recurrence`) belong on the form. */
export function formField(apiField: string): keyof TaskForm | 'due' {
  const name = apiField.replace(/\[.*$/, '').split('.')[0]
  if (name === 'dueAt' || name === 'allDay') return 'due'
  return (['title', 'description', 'timeZone', 'priority', 'tags', 'recurrence'].includes(name) ? name : 'title') as keyof TaskForm
}

/**
 * The person's edits carried onto a newer version of the task: the fields they changed since `base`
 * take their value, every other field shows `fresh`.
 */
export function rebase(base: Task, form: TaskForm, fresh: Task): TaskForm {
  return keepEdits(formOf(base), form, formOf(fresh))
}

/** `next`, except where `form` differs from `before` (what the person has changed since): those stay. */
export function keepEdits(before: TaskForm, form: TaskForm, next: TaskForm): TaskForm {
  return { ...next, ...editsOf(before, form) }
}

/** The fields of `form` that differ from `before`: what the person has changed. */
export function editsOf(before: TaskForm, form: TaskForm): Partial<TaskForm> {
  const edits: Record<string, unknown> = {}
  for (const key of Object.keys(form) as (keyof TaskForm)[]) {
    if (JSON.stringify(form[key]) !== JSON.stringify(before[key])) edits[key] = form[key]
  }
  return edits as Partial<TaskForm>
}
