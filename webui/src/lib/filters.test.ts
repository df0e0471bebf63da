import { describe, expect, it } from 'vitest'
import { compareTasks, DEFAULT_FILTERS, dueWindow, matches, toQuery, type Filters } from './filters'
import { aTask } from './testTasks'

const f = (over: Partial<Filters>): Filters => ({ ...DEFAULT_FILTERS, ...over })
const today = '2026-11-26' // a Thursday

describe('filters to query string', () => {
  it('sends only the limit for the default list (open, soonest due first)', () => {
    expect(toQuery(DEFAULT_FILTERS, today)).toBe('limit=50')
  })

  it('sends every filter the API knows', () => {
    const query = new URLSearchParams(toQuery(f({
      status: 'all', priorities: ['high', 'urgent'], tags: ['work', 'home'], tagMode: 'all', q: ' quarterly rep ',
      sort: 'priority', order: 'asc',
    }), today, 20))
    expect(Object.fromEntries(query)).toEqual({
      status: 'all', priority: 'high,urgent', tag: 'work,home', tagMode: 'all', q: 'quarterly rep', sort: 'priority',
      order: 'asc', limit: '20',
    })
  })

  it('turns due ranges into dates of the user\'s zone', () => {
    expect(toQuery(f({ due: 'today' }), today)).toBe('dueAfter=2026-11-26&dueBefore=2026-11-27&limit=50')
    expect(toQuery(f({ due: 'week' }), today)).toBe('dueAfter=2026-11-26&dueBefore=2026-11-30&limit=50')
    expect(toQuery(f({ due: 'overdue' }), today)).toBe('overdue=true&limit=50')
  })

  it('never sends overdue with completed tasks, which the API refuses', () => {
    expect(toQuery(f({ due: 'overdue', status: 'completed' }), today)).toBe('status=completed&limit=50')
  })

  it('ends this week on Sunday, also when today is Sunday', () => {
    expect(dueWindow('week', '2026-11-29')).toEqual(['2026-11-29', '2026-11-30'])
  })
})

describe('filters on one task', () => {
  const now = new Date('2026-11-26T10:00:00Z')
  it('tests status, priority, tags and search as the API does', () => {
    const task = aTask({ title: 'Quarterly report for Zoë', priority: 'high', tags: ['work'] })
    expect(matches(task, f({}), 'Europe/Paris', now)).toBe(true)
    expect(matches(task, f({ status: 'completed' }), 'Europe/Paris', now)).toBe(false)
    expect(matches(task, f({ priorities: ['low'] }), 'Europe/Paris', now)).toBe(false)
    expect(matches(task, f({ tags: ['#Work', 'home'] }), 'Europe/Paris', now)).toBe(true)
    expect(matches(task, f({ tags: ['work', 'home'], tagMode: 'all' }), 'Europe/Paris', now)).toBe(false)
    expect(matches(task, f({ q: 'zoe quart' }), 'Europe/Paris', now)).toBe(true)
    expect(matches(task, f({ q: 'quart rep' }), 'Europe/Paris', now)).toBe(false)
  })

  it('reads due ranges in the user\'s zone', () => {
    const lateTonight = aTask({ dueAt: '2026-11-26T23:30:00+01:00' }) // 22:30 UTC, still the 26th in Paris
    expect(matches(lateTonight, f({ due: 'today' }), 'Europe/Paris', now)).toBe(true)
    expect(matches(lateTonight, f({ due: 'today' }), 'Asia/Tokyo', now)).toBe(false)
    expect(matches(aTask(), f({ due: 'week' }), 'Europe/Paris', now)).toBe(false)
  })

  it('counts an all-day task overdue only once its day is over', () => {
    const allDayToday = aTask({ allDay: true, dueAt: '2026-11-26T00:00:00+01:00' })
    expect(matches(allDayToday, f({ due: 'overdue' }), 'Europe/Paris', now)).toBe(false)
    expect(matches(allDayToday, f({ due: 'overdue' }), 'Europe/Paris', new Date('2026-11-27T00:00:00+01:00'))).toBe(true)
  })
})

describe('list order', () => {
  const a = aTask({ id: 'a', title: 'b', dueAt: '2026-12-01T10:00:00Z', priority: 'low' })
  const b = aTask({ id: 'b', title: 'A', dueAt: null, priority: 'urgent' })
  const c = aTask({ id: 'c', title: 'c', dueAt: '2026-11-30T10:00:00Z', priority: 'low' })
  const order = (filters: Filters) => [a, b, c].sort(compareTasks(filters)).map((t) => t.id)

  it('puts tasks without a due date last in both directions', () => {
    expect(order(f({ sort: 'dueAt' }))).toEqual(['c', 'a', 'b'])
    expect(order(f({ sort: 'dueAt', order: 'desc' }))).toEqual(['a', 'c', 'b'])
  })

  it('sorts priority most important first, then soonest due', () => {
    expect(order(f({ sort: 'priority' }))).toEqual(['b', 'c', 'a'])
  })

  it('sorts titles ignoring case', () => {
    expect(order(f({ sort: 'title' }))).toEqual(['b', 'a', 'c'])
  })
})
