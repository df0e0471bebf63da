import { describe, expect, it } from 'vitest'
import { editsOf, formField, formOf, parseTags, patchOf, rebase } from './editor'
import { aTask } from './testTasks'

const timed = aTask({ dueAt: '2026-12-01T17:00:00+01:00', tags: ['work'], priority: 'high' })

describe('task editor patch', () => {
  it('is empty when nothing changed', () => {
    expect(patchOf(timed, formOf(timed))).toEqual({})
  })

  it('sends only the fields changed', () => {
    expect(patchOf(timed, { ...formOf(timed), title: ' New title ', tags: '#work, #Home' }))
      .toEqual({ title: 'New title', tags: ['work', 'home'] })
  })

  it('sends a new due time as the instant the task zone\'s clock shows', () => {
    expect(patchOf(timed, { ...formOf(timed), time: '18:30' })).toEqual({ dueAt: '2026-12-01T17:30:00Z' })
  })

  it('sends a date for all-day, and clears the due date with null', () => {
    expect(patchOf(timed, { ...formOf(timed), allDay: true, time: '' })).toEqual({ dueAt: '2026-12-01', allDay: true })
    const allDay = aTask({ dueAt: '2026-12-01T00:00:00+01:00', allDay: true })
    expect(patchOf(allDay, { ...formOf(allDay), date: '' })).toEqual({ dueAt: null, allDay: false })
  })

  it('re-sends the due time read in a newly chosen zone', () => {
    expect(patchOf(timed, { ...formOf(timed), timeZone: 'America/New_York' }))
      .toEqual({ timeZone: 'America/New_York', dueAt: '2026-12-01T22:00:00Z' })
  })

  it('clears the description and stops repeating with null', () => {
    const task = aTask({ description: 'notes', dueAt: '2026-12-01T17:00:00+01:00', recurrence: { rule: 'FREQ=DAILY', mode: 'fromDue' } })
    expect(patchOf(task, { ...formOf(task), description: '  ', recurrence: null })).toEqual({ description: null, recurrence: null })
  })

  it('reads tags written any way and maps API fields to the form', () => {
    expect(parseTags('#Home, work  #home')).toEqual(['home', 'work'])
    expect(formField('tags[1]')).toBe('tags')
    expect(formField('dueAt')).toBe('due')
    expect(formField('recurrence.rule')).toBe('recurrence')
  })
})

describe('keeping edits on a newer version', () => {
  it('keeps only what the person changed and takes the rest from the new version', () => {
    const edited = { ...formOf(timed), title: 'Mine' }
    const fresh = { ...timed, priority: 'low' as const, version: 2 }
    const rebased = rebase(timed, edited, fresh)
    expect(rebased.title).toBe('Mine')
    expect(rebased.priority).toBe('low')
    expect(patchOf(fresh, rebased)).toEqual({ title: 'Mine' })
  })

  it('names only the fields the person changed', () => {
    const before = formOf(timed)
    expect(editsOf(before, { ...before, description: 'notes', priority: 'low' })).toEqual({ description: 'notes', priority: 'low' })
    expect(editsOf(before, before)).toEqual({})
  })

  it('does not fail on a time zone that does not exist', () => {
    expect(patchOf(timed, { ...formOf(timed), timeZone: 'Mars/Olympus' }))
      .toEqual({ timeZone: 'Mars/Olympus', dueAt: '2026-12-01T16:00:00Z' })
  })
})
