import { describe, expect, it } from 'vitest'
import { dateIn, formatDue, isOverdue, wallClock, zonedInstant } from './time'

describe('time zones', () => {
  it('finds the instant of a wall-clock time in a zone, across clock changes', () => {
    expect(zonedInstant('2026-12-01', '17:00', 'Europe/Paris')).toBe('2026-12-01T16:00:00Z')
    expect(zonedInstant('2026-07-01', '17:00', 'Europe/Paris')).toBe('2026-07-01T15:00:00Z')
    expect(zonedInstant('2026-11-26', '09:30', 'America/New_York')).toBe('2026-11-26T14:30:00Z')
    expect(zonedInstant('2026-03-29', '02:30', 'Europe/Paris')).toBe('2026-03-29T01:30:00Z') // skipped hour
  })

  it('reads the date of an instant in a zone', () => {
    expect(dateIn('Asia/Tokyo', new Date('2026-11-26T20:00:00Z'))).toBe('2026-11-27')
    expect(dateIn('America/Los_Angeles', new Date('2026-11-26T05:00:00Z'))).toBe('2026-11-25')
  })

  it('reads the wall clock of a dueAt in its zone, also when the API wrote it in UTC', () => {
    expect(wallClock('2026-12-01T17:00:00+01:00', 'Europe/Paris')).toEqual({ date: '2026-12-01', time: '17:00' })
    expect(wallClock('2026-12-01T17:00:00Z', 'UTC')).toEqual({ date: '2026-12-01', time: '17:00' })
    expect(wallClock('2026-12-01T17:00:00Z', 'Europe/London')).toEqual({ date: '2026-12-01', time: '17:00' })
    // Paris Mean Time, +00:09:21, has no RFC 3339 offset: the API writes UTC
    expect(wallClock('1905-06-01T12:00:00Z', 'Europe/Paris')).toEqual({ date: '1905-06-01', time: '12:09' })
    expect(wallClock('1905-07-13T23:50:39Z', 'Europe/Paris')).toEqual({ date: '1905-07-14', time: '00:00' })
  })

  it('calls near days by name', () => {
    const now = new Date('2026-11-26T10:00:00Z')
    expect(formatDue('2026-11-27T00:00:00+01:00', true, 'Europe/Paris', now)).toBe('Tomorrow')
    expect(formatDue('2026-11-26T00:00:00+01:00', true, 'Europe/Paris', now)).toBe('Today')
  })

  it('counts overdue as the API does', () => {
    const now = new Date('2026-11-26T10:00:00Z')
    expect(isOverdue({ status: 'open', dueAt: '2026-11-26T09:59:00Z', allDay: false }, now)).toBe(true)
    expect(isOverdue({ status: 'completed', dueAt: '2026-11-26T09:59:00Z', allDay: false }, now)).toBe(false)
    expect(isOverdue({ status: 'open', dueAt: '2026-11-26T00:00:00+01:00', allDay: true }, now)).toBe(false)
  })
})
