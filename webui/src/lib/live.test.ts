import { describe, expect, it } from 'vitest'
import { DEFAULT_FILTERS } from './filters'
import { applyLive, backoff, type ListState, type LiveMessage } from './live'
import { aTask } from './testTasks'
import type { Task } from './types'

const context = { filters: DEFAULT_FILTERS, zone: 'Europe/Paris', now: new Date('2026-11-26T10:00:00Z') }
const one = aTask({ id: 'a', title: 'One', dueAt: '2026-11-27T10:00:00Z' })
const three = aTask({ id: 'c', title: 'Three', dueAt: '2026-11-29T10:00:00Z' })
const list = (...items: Task[]): ListState => ({ items, nextCursor: null })
const changed = (task: Task, type: 'task.created' | 'task.updated' | 'task.completed' = 'task.updated'): LiveMessage =>
  ({ type, taskId: task.id, task, version: task.version, cursor: `2026-11-26T10:00:00Z~${task.id}` })
const ids = (state: ListState) => state.items.map((t) => t.id)

describe('live messages on the list', () => {
  it('adds a created task where it sorts', () => {
    const two = aTask({ id: 'b', title: 'Two', dueAt: '2026-11-28T10:00:00Z' })
    expect(ids(applyLive(list(one, three), changed(two, 'task.created'), context))).toEqual(['a', 'b', 'c'])
  })

  it('moves an updated task to its new place and shows the new version', () => {
    const later = { ...one, dueAt: '2026-11-30T10:00:00Z', version: 2 }
    const state = applyLive(list(one, three), changed(later), context)
    expect(ids(state)).toEqual(['c', 'a'])
    expect(state.items[1].version).toBe(2)
  })

  it('ignores a version older than, or the same as, the one shown', () => {
    const shown = list({ ...one, version: 3, title: 'Newest' })
    expect(applyLive(shown, changed({ ...one, version: 2, title: 'Older' }), context)).toBe(shown)
    expect(applyLive(shown, changed({ ...one, version: 3, title: 'Same' }), context)).toBe(shown)
  })

  it('removes a task completed elsewhere from the open list, and a deleted one', () => {
    const done = { ...one, status: 'completed' as const, completedAt: '2026-11-26T10:00:00Z', version: 2 }
    expect(ids(applyLive(list(one, three), changed(done, 'task.completed'), context))).toEqual(['c'])
    const deleted: LiveMessage = { type: 'task.deleted', taskId: 'c', task: null, version: 2, cursor: 'x' }
    expect(ids(applyLive(list(one, three), deleted, context))).toEqual(['a'])
  })

  it('leaves a task that sorts past the loaded page for "load more"', () => {
    const last = aTask({ id: 'z', dueAt: '2027-01-01T10:00:00Z' })
    const paged = { items: [one, three], nextCursor: 'more' }
    expect(applyLive(paged, changed(last, 'task.created'), context)).toBe(paged)
  })

  it('keeps a new task out of a list it does not fit', () => {
    const filtered = { ...context, filters: { ...DEFAULT_FILTERS, tags: ['work'] } }
    expect(ids(applyLive(list(), changed(aTask({ id: 'h', tags: ['home'] }), 'task.created'), filtered))).toEqual([])
    expect(ids(applyLive(list(), changed(aTask({ id: 'w', tags: ['work'] }), 'task.created'), filtered))).toEqual(['w'])
  })

  it('applies the catch-up items a resumed socket sends first (task.changed)', () => {
    const msg: LiveMessage = { type: 'task.changed', taskId: 'a', task: { ...one, title: 'Renamed', version: 2 }, version: 2, cursor: 'x' }
    expect(applyLive(list(one), msg, context).items[0].title).toBe('Renamed')
  })
})

describe('reconnect pause', () => {
  it('doubles from a second up to half a minute', () => {
    const half = () => 0.5
    expect([0, 1, 2, 3, 4, 5, 6, 10].map((n) => backoff(n, half))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000])
  })
})
