// The recurrence builder's model: the simple forms of an RFC 5545 rule (what the task service calls
// `FREQ`, `INTERVAL`, `BYDAY`, `BYMONTHDAY`, `BYMONTH`, `COUNT`, `UNTIL`), to and from the rule text,
// in words, and the dates it gives, computed on the calendar (the task's wall clock, no time zones).

export type Frequency = 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY'
export type Weekday = 'MO' | 'TU' | 'WE' | 'TH' | 'FR' | 'SA' | 'SU'
export const WEEKDAYS: Weekday[] = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU']
const WEEKDAY_NAMES: Record<Weekday, string> = {
  MO: 'Monday', TU: 'Tuesday', WE: 'Wednesday', TH: 'Thursday', FR: 'Friday', SA: 'Saturday', SU: 'Sunday',
}
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September',
  'October', 'November', 'December']

export interface RecurrenceForm {
  frequency: Frequency
  interval: number
  /** WEEKLY: the days of the week (none: the due date's weekday). */
  weekdays: Weekday[]
  /** MONTHLY and YEARLY: a day of the month (-1 the last) or the nth weekday (-1 the last). */
  monthly: 'dayOfMonth' | 'nthWeekday'
  monthDay: number
  nth: number
  nthWeekday: Weekday
  /** YEARLY: the month, 1 to 12. */
  month: number
  ends: 'never' | 'count' | 'until'
  count: number
  until: string
}

/** A form that follows the due date: every week on its weekday, every month on its day... */
export function defaultForm(frequency: Frequency, due: string): RecurrenceForm {
  const d = parseDate(due)
  const day = d.getUTCDate()
  return {
    frequency,
    interval: 1,
    weekdays: [weekdayOf(d)],
    monthly: 'dayOfMonth',
    monthDay: day,
    nth: day > 28 ? -1 : Math.ceil(day / 7),
    nthWeekday: weekdayOf(d),
    month: d.getUTCMonth() + 1,
    ends: 'never',
    count: 10,
    until: addDays(due, 90),
  }
}

export function toRule(form: RecurrenceForm): string {
  const parts = [`FREQ=${form.frequency}`]
  if (form.interval > 1) parts.push(`INTERVAL=${form.interval}`)
  if (form.frequency === 'WEEKLY' && form.weekdays.length > 0) {
    parts.push(`BYDAY=${WEEKDAYS.filter((w) => form.weekdays.includes(w)).join(',')}`)
  }
  if (form.frequency === 'YEARLY') parts.push(`BYMONTH=${form.month}`)
  if (form.frequency === 'MONTHLY' || form.frequency === 'YEARLY') {
    parts.push(form.monthly === 'dayOfMonth' ? `BYMONTHDAY=${form.monthDay}` : `BYDAY=${form.nth}${form.nthWeekday}`)
  }
  if (form.ends === 'count') parts.push(`COUNT=${form.count}`)
  if (form.ends === 'until') parts.push(`UNTIL=${form.until.replaceAll('-', '')}`)
  return parts.join(';')
}

/**
 * Reads a rule back into the form, or null when it uses more than the builder offers (several month
 * days, BYSETPOS, a weekly rule with ordinals...): the editor then shows the rule as text.
 */
export function fromRule(rule: string, due: string): RecurrenceForm | null {
  const fields = new Map<string, string>()
  for (const part of rule.replace(/^RRULE:/i, '').split(';')) {
    const [key, value] = part.split('=')
    if (!key || value === undefined) return null
    fields.set(key.toUpperCase(), value.toUpperCase())
  }
  const frequency = fields.get('FREQ') as Frequency
  if (!['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'].includes(frequency)) return null
  const form = defaultForm(frequency, due)
  for (const [key, value] of fields) {
    switch (key) {
      case 'FREQ':
      case 'WKST':
        break
      case 'INTERVAL':
        form.interval = Number(value)
        if (!Number.isInteger(form.interval) || form.interval < 1) return null
        break
      case 'COUNT':
        form.ends = 'count'
        form.count = Number(value)
        if (!Number.isInteger(form.count) || form.count < 1) return null
        break
      case 'UNTIL': {
        const m = /^(\d{4})(\d{2})(\d{2})/.exec(value)
        if (!m) return null
        form.ends = 'until'
        form.until = `${m[1]}-${m[2]}-${m[3]}`
        break
      }
      case 'BYMONTH':
        if (frequency !== 'YEARLY' || !/^\d{1,2}$/.test(value)) return null
        form.month = Number(value)
        break
      case 'BYMONTHDAY':
        if (frequency === 'DAILY' || frequency === 'WEEKLY' || !/^-?\d{1,2}$/.test(value)) return null
        form.monthly = 'dayOfMonth'
        form.monthDay = Number(value)
        break
      case 'BYDAY': {
        const days = value.split(',')
        if (frequency === 'WEEKLY') {
          if (!days.every((d) => WEEKDAYS.includes(d as Weekday))) return null
          form.weekdays = days as Weekday[]
        } else if (frequency === 'MONTHLY' || frequency === 'YEARLY') {
          const m = days.length === 1 ? /^(-1|[1-4])(MO|TU|WE|TH|FR|SA|SU)$/.exec(days[0]) : null
          if (!m) return null
          form.monthly = 'nthWeekday'
          form.nth = Number(m[1])
          form.nthWeekday = m[2] as Weekday
        } else {
          return null
        }
        break
      }
      default:
        return null
    }
  }
  return form
}

function ordinal(n: number): string {
  if (n === -1) return 'last'
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'
  return `${n}${suffix}`
}

/** "Every 2 weeks on Monday and Thursday, 10 times". */
export function describeForm(form: RecurrenceForm): string {
  const unit = { DAILY: 'day', WEEKLY: 'week', MONTHLY: 'month', YEARLY: 'year' }[form.frequency]
  let text = form.interval === 1 ? `Every ${unit}` : `Every ${form.interval} ${unit}s`
  if (form.frequency === 'WEEKLY' && form.weekdays.length > 0) {
    const names = WEEKDAYS.filter((w) => form.weekdays.includes(w)).map((w) => WEEKDAY_NAMES[w])
    text += ` on ${names.length > 1 ? names.slice(0, -1).join(', ') + ' and ' + names.at(-1) : names[0]}`
  }
  if (form.frequency === 'MONTHLY' || form.frequency === 'YEARLY') {
    const month = form.frequency === 'YEARLY' ? ` of ${MONTH_NAMES[form.month - 1]}` : ''
    text += form.monthly === 'dayOfMonth'
      ? ` on the ${form.monthDay === -1 ? 'last day' : ordinal(form.monthDay)}${month}`
      : ` on the ${ordinal(form.nth)} ${WEEKDAY_NAMES[form.nthWeekday]}${month}`
  }
  if (form.ends === 'count') text += form.count === 1 ? ', once' : `, ${form.count} times`
  if (form.ends === 'until') text += `, until ${form.until}`
  return text
}

// ---- calendar arithmetic on 'YYYY-MM-DD' dates (UTC Dates used as plain calendar days) ----

export function parseDate(date: string): Date {
  const [y, m, d] = date.split('-').map(Number)
  return new Date(Date.UTC(y, m - 1, d))
}

export function formatDate(d: Date): string {
  return d.toISOString().slice(0, 10)
}

export function addDays(date: string, days: number): string {
  const d = parseDate(date)
  d.setUTCDate(d.getUTCDate() + days)
  return formatDate(d)
}

function weekdayOf(d: Date): Weekday {
  return WEEKDAYS[(d.getUTCDay() + 6) % 7]
}

function daysInMonth(year: number, month0: number): number {
  return new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate()
}

/** The day of `month0` the form picks, or null when that month has none (a 31st in April). */
function dayInMonth(form: RecurrenceForm, year: number, month0: number): number | null {
  const last = daysInMonth(year, month0)
  if (form.monthly === 'dayOfMonth') {
    const day = form.monthDay < 0 ? last + 1 + form.monthDay : form.monthDay
    return day >= 1 && day <= last ? day : null
  }
  const target = WEEKDAYS.indexOf(form.nthWeekday)
  if (form.nth > 0) {
    const first = (new Date(Date.UTC(year, month0, 1)).getUTCDay() + 6) % 7
    const day = 1 + ((target - first + 7) % 7) + (form.nth - 1) * 7
    return day <= last ? day : null
  }
  const lastWeekday = (new Date(Date.UTC(year, month0, last)).getUTCDay() + 6) % 7
  return last - ((lastWeekday - target + 7) % 7)
}

/**
 * The first `limit` dates of the series that starts on `start` (the task's due date, which is always
 * the first occurrence, as in RFC 5545), honouring COUNT and UNTIL.
 */
export function nextDates(form: RecurrenceForm, start: string, limit = 5): string[] {
  const out = [start]
  const max = form.ends === 'count' ? Math.min(limit, form.count) : limit
  const accept = (date: string) => {
    if (date <= start || out.length >= max) return
    if (form.ends === 'until' && date > form.until) return
    if (!out.includes(date)) out.push(date)
  }
  const begin = parseDate(start)
  const interval = Math.max(1, form.interval)
  // a period is a day, a week, a month or a year; 1000 of them bound a series that UNTIL cuts short
  for (let period = 0; out.length < max && period < 1000; period++) {
    if (form.frequency === 'DAILY') {
      accept(addDays(start, period * interval))
    } else if (form.frequency === 'WEEKLY') {
      const monday = addDays(start, -((begin.getUTCDay() + 6) % 7) + period * 7 * interval)
      const days = form.weekdays.length > 0 ? form.weekdays : [weekdayOf(begin)]
      for (const w of WEEKDAYS) if (days.includes(w)) accept(addDays(monday, WEEKDAYS.indexOf(w)))
    } else {
      const months = begin.getUTCMonth() + period * interval * (form.frequency === 'MONTHLY' ? 1 : 12)
      const year = begin.getUTCFullYear() + Math.floor(months / 12)
      const month0 = form.frequency === 'YEARLY' ? form.month - 1 : months % 12
      const day = dayInMonth(form, year, month0)
      if (day !== null) accept(formatDate(new Date(Date.UTC(year, month0, day))))
    }
  }
  return out
}
