// The task list's filters and order: to the query string of GET /api/tasks, and the same test applied
// on the client to a task that changed live, so that it joins, stays in or leaves the list shown.
import { addDays, parseDate } from './recurrence'
import { dateIn, isOverdue } from './time'
import type { Priority, Task } from './types'
import { PRIORITIES } from './types'

export type DueRange = 'any' | 'today' | 'week' | 'overdue'
export type SortKey = 'dueAt' | 'priority' | 'createdAt' | 'updatedAt' | 'title'

export interface Filters {
  status: 'open' | 'completed' | 'all'
  priorities: Priority[]
  tags: string[]
  tagMode: 'any' | 'all'
  due: DueRange
  q: string
  sort: SortKey
  order: 'asc' | 'desc' | 'default'
}

export const DEFAULT_FILTERS: Filters = {
  status: 'open', priorities: [], tags: [], tagMode: 'any', due: 'any', q: '', sort: 'dueAt', order: 'default',
}

const DEFAULT_ORDER: Record<SortKey, 'asc' | 'desc'> = {
  dueAt: 'asc', title: 'asc', priority: 'desc', createdAt: 'desc', updatedAt: 'desc',
}

/** [from, before) as dates in the user's zone, which is how the API reads bare dates. */
export function dueWindow(due: DueRange, today: string): [string, string] | null {
  if (due === 'today') return [today, addDays(today, 1)]
  if (due === 'week') {
    const weekday = (parseDate(today).getUTCDay() + 6) % 7 // Monday 0
    return [today, addDays(today, 7 - weekday)] // to the end of Sunday
  }
  return null
}

/** The query string for the filters; `today` is the date now in the user's zone. */
export function toQuery(filters: Filters, today: string, limit = 50): string {
  const params = new URLSearchParams()
  if (filters.status !== 'open') params.set('status', filters.status)
  if (filters.priorities.length > 0) params.set('priority', filters.priorities.join(','))
  if (filters.tags.length > 0) {
    params.set('tag', filters.tags.join(','))
    if (filters.tagMode === 'all' && filters.tags.length > 1) params.set('tagMode', 'all')
  }
  const window = dueWindow(filters.due, today)
  if (window) {
    params.set('dueAfter', window[0])
    params.set('dueBefore', window[1])
  }
  if (filters.due === 'overdue' && filters.status !== 'completed') params.set('overdue', 'true')
  const q = filters.q.trim()
  if (q) params.set('q', q)
  if (filters.sort !== 'dueAt') params.set('sort', filters.sort)
  if (filters.order !== 'default') params.set('order', filters.order)
  params.set('limit', String(limit))
  return params.toString()
}

function words(text: string): string[] {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean)
}

/** Whether the search finds the task, read as the API reads `q`: whole words, the last one a prefix. */
export function matchesSearch(task: Task, q: string): boolean {
  const wanted = words(q).slice(0, 16)
  if (wanted.length === 0) return true
  const have = words([task.title, task.description ?? '', ...task.tags].join(' '))
  return wanted.every((w, i) => (i === wanted.length - 1 ? have.some((h) => h.startsWith(w)) : have.includes(w)))
}

export function matches(task: Task, filters: Filters, zone: string, now: Date = new Date()): boolean {
  if (filters.status !== 'all' && task.status !== filters.status) return false
  if (filters.priorities.length > 0 && !filters.priorities.includes(task.priority)) return false
  if (filters.tags.length > 0) {
    const wanted = filters.tags.map((t) => t.replace(/^#+/, '').trim().toLowerCase())
    const ok = filters.tagMode === 'all' ? wanted.every((t) => task.tags.includes(t)) : wanted.some((t) => task.tags.includes(t))
    if (!ok) return false
  }
  const window = dueWindow(filters.due, dateIn(zone, now))
  if (window) {
    if (!task.dueAt) return false
    const day = dateIn(zone, new Date(task.dueAt))
    if (day < window[0] || day >= window[1]) return false
  }
  if (filters.due === 'overdue' && !isOverdue(task, now)) return false
  return matchesSearch(task, filters.q)
}

/** The list's order as the API sorts it, ending with the id so that it is total. */
export function compareTasks(filters: Filters): (a: Task, b: Task) => number {
  const direction = (filters.order === 'default' ? DEFAULT_ORDER[filters.sort] : filters.order) === 'asc' ? 1 : -1
  const due = (a: Task, b: Task, dir: number) => {
    if (a.dueAt === b.dueAt) return 0
    if (!a.dueAt) return 1 // no due date last, in both directions
    if (!b.dueAt) return -1
    return dir * (new Date(a.dueAt).getTime() - new Date(b.dueAt).getTime())
  }
  const key = (a: Task, b: Task): number => {
    switch (filters.sort) {
      case 'dueAt':
        return due(a, b, direction)
      case 'priority':
        return direction * (PRIORITIES.indexOf(a.priority) - PRIORITIES.indexOf(b.priority)) || due(a, b, 1)
      case 'title':
        return direction * a.title.toLowerCase().localeCompare(b.title.toLowerCase())
      default:
        return direction * (new Date(a[filters.sort]).getTime() - new Date(b[filters.sort]).getTime())
    }
  }
  return (a, b) => key(a, b) || direction * (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

export function isFiltered(filters: Filters): boolean {
  return filters.status !== 'open' || filters.priorities.length > 0 || filters.tags.length > 0 ||
    filters.due !== 'any' || filters.q.trim() !== ''
}
