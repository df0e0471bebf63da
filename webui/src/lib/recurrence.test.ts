import { describe, expect, it } from 'vitest'
import { defaultForm, describeForm, fromRule, nextDates, toRule, type RecurrenceForm } from './recurrence'

const form = (over: Partial<RecurrenceForm>, due = '2026-12-01'): RecurrenceForm => ({ ...defaultForm('DAILY', due), ...over })

describe('recurrence rule', () => {
  it('writes the simple forms as RRULEs', () => {
    expect(toRule(form({ frequency: 'DAILY' }))).toBe('FREQ=DAILY')
    expect(toRule(form({ frequency: 'WEEKLY', interval: 2, weekdays: ['TH', 'MO'] }))).toBe('FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH')
    expect(toRule(form({ frequency: 'MONTHLY', monthDay: -1 }))).toBe('FREQ=MONTHLY;BYMONTHDAY=-1')
    expect(toRule(form({ frequency: 'MONTHLY', monthly: 'nthWeekday', nth: 2, nthWeekday: 'MO', ends: 'count', count: 6 })))
      .toBe('FREQ=MONTHLY;BYDAY=2MO;COUNT=6')
    expect(toRule(form({ frequency: 'YEARLY', month: 3, monthDay: 14, ends: 'until', until: '2030-01-01' })))
      .toBe('FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=14;UNTIL=20300101')
  })

  it('reads back what it writes', () => {
    for (const rule of ['FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH', 'FREQ=MONTHLY;BYDAY=-1FR', 'FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=14;COUNT=3']) {
      expect(toRule(fromRule(rule, '2026-12-01')!)).toBe(rule)
    }
  })

  it('leaves rules beyond the builder to be shown as text', () => {
    expect(fromRule('FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1', '2026-12-01')).toBeNull()
    expect(fromRule('FREQ=MONTHLY;BYMONTHDAY=1,15', '2026-12-01')).toBeNull()
    expect(fromRule('FREQ=HOURLY', '2026-12-01')).toBeNull()
  })

  it('follows the due date by default', () => {
    const monthly = defaultForm('MONTHLY', '2026-12-08') // a Tuesday
    expect(toRule(monthly)).toBe('FREQ=MONTHLY;BYMONTHDAY=8')
    expect(toRule({ ...monthly, monthly: 'nthWeekday' })).toBe('FREQ=MONTHLY;BYDAY=2TU')
    expect(toRule(defaultForm('WEEKLY', '2026-12-08'))).toBe('FREQ=WEEKLY;BYDAY=TU')
  })

  it('says the rule in words', () => {
    expect(describeForm(form({ frequency: 'WEEKLY', interval: 2, weekdays: ['MO', 'TH'], ends: 'count', count: 10 })))
      .toBe('Every 2 weeks on Monday and Thursday, 10 times')
    expect(describeForm(form({ frequency: 'MONTHLY', monthly: 'nthWeekday', nth: -1, nthWeekday: 'FR' })))
      .toBe('Every month on the last Friday')
    expect(describeForm(form({ frequency: 'MONTHLY', monthDay: 22 }))).toBe('Every month on the 22nd')
  })
})

describe('next dates', () => {
  it('starts with the due date and steps by the interval', () => {
    expect(nextDates(form({ frequency: 'DAILY', interval: 3 }), '2026-12-30')).toEqual([
      '2026-12-30', '2027-01-02', '2027-01-05', '2027-01-08', '2027-01-11'])
  })

  it('walks the chosen weekdays of every other week', () => {
    // 2026-12-01 is a Tuesday
    expect(nextDates(form({ frequency: 'WEEKLY', interval: 2, weekdays: ['MO', 'TH'] }), '2026-12-01')).toEqual([
      '2026-12-01', '2026-12-03', '2026-12-14', '2026-12-17', '2026-12-28'])
  })

  it('takes the last day of each month, February included', () => {
    expect(nextDates(form({ frequency: 'MONTHLY', monthDay: -1 }), '2027-01-31')).toEqual([
      '2027-01-31', '2027-02-28', '2027-03-31', '2027-04-30', '2027-05-31'])
  })

  it('skips months without the day asked for, as RFC 5545 does', () => {
    expect(nextDates(form({ frequency: 'MONTHLY', monthDay: 31 }), '2027-01-31', 4)).toEqual([
      '2027-01-31', '2027-03-31', '2027-05-31', '2027-07-31'])
  })

  it('finds the nth and the last weekday of a month', () => {
    expect(nextDates(form({ frequency: 'MONTHLY', monthly: 'nthWeekday', nth: 2, nthWeekday: 'MO' }), '2026-12-14', 3))
      .toEqual(['2026-12-14', '2027-01-11', '2027-02-08'])
    expect(nextDates(form({ frequency: 'MONTHLY', monthly: 'nthWeekday', nth: -1, nthWeekday: 'FR' }), '2026-12-25', 3))
      .toEqual(['2026-12-25', '2027-01-29', '2027-02-26'])
  })

  it('repeats yearly on a month and day, leap days only in leap years', () => {
    expect(nextDates(form({ frequency: 'YEARLY', month: 2, monthDay: 29 }), '2028-02-29', 3))
      .toEqual(['2028-02-29', '2032-02-29', '2036-02-29'])
  })

  it('stops at COUNT and at UNTIL', () => {
    expect(nextDates(form({ frequency: 'DAILY', ends: 'count', count: 2 }), '2026-12-01')).toEqual(['2026-12-01', '2026-12-02'])
    expect(nextDates(form({ frequency: 'WEEKLY', weekdays: ['TU'], ends: 'until', until: '2026-12-15' }), '2026-12-01'))
      .toEqual(['2026-12-01', '2026-12-08', '2026-12-15'])
  })
})
