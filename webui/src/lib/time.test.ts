import { describe, expect, it } from 'vitest'
import { dateIn, formatDue, isOverdue, zonedInstant } from './time'

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
