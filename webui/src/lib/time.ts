// Dates and times in a named time zone, with Intl only (no time zone database of our own).

/** The calendar date ('YYYY-MM-DD') of an instant in a zone. */
export function dateIn(zone: string, instant: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' })
    .formatToParts(instant)
  const get = (type: string) => parts.find((p) => p.type === type)!.value
  return `${get('year')}-${get('month')}-${get('day')}`
}

/** The zone's offset from UTC at an instant, in minutes (Paris in winter: 60). */
export function offsetMinutes(zone: string, instant: Date): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
    hour: 'numeric', minute: 'numeric', second: 'numeric',
  }).formatToParts(instant)
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value)
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'))
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60000)
}

/**
 * The instant at which a zone's wall clock shows `date` `time` ('2026-12-01', '17:00'), as an RFC 3339
 * string in UTC. A time skipped by a clock change is read with the offset from before it.
 */
export function zonedInstant(date: string, time: string, zone: string): string {
  const [y, mo, d] = date.split('-').map(Number)
  const [h, mi] = time.split(':').map(Number)
  const wall = Date.UTC(y, mo - 1, d, h, mi)
  let instant = wall - offsetMinutes(zone, new Date(wall)) * 60000
  instant = wall - offsetMinutes(zone, new Date(instant)) * 60000
  return new Date(instant).toISOString().replace('.000Z', 'Z')
}

/**
 * The wall-clock date and time of a task's `dueAt` in its zone. The API writes it with the zone's
 * offset, so the text holds them; where that offset has seconds, which RFC 3339 cannot write (local mean
 * time: Paris before 1911), it writes UTC instead, and the zone's clock is read with Intl.
 */
export function wallClock(dueAt: string, zone: string): { date: string; time: string } {
  if (!dueAt.endsWith('Z') || zone === 'UTC' || !isValidZone(zone)) {
    return { date: dueAt.slice(0, 10), time: dueAt.slice(11, 16) }
  }
  const instant = new Date(dueAt)
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit',
  }).formatToParts(instant)
  const get = (type: string) => parts.find((p) => p.type === type)!.value
  return { date: dateIn(zone, instant), time: `${get('hour')}:${get('minute')}` }
}

/** The dates the API accepts (the years 1900 to 9000), for date inputs' min and max. */
export const FIRST_DATE = '1900-01-01'
export const LAST_DATE = '9000-12-31'

export function isValidZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone })
    return true
  } catch {
    return false
  }
}

export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
}

export function allZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] }
  return intl.supportedValuesOf ? ['UTC', ...intl.supportedValuesOf('timeZone')] : ['UTC']
}

/** "Today", "Tomorrow", "Fri 5 Dec", "5 Dec 2027", with the time unless the task is all-day. */
export function formatDue(dueAt: string, allDay: boolean, zone: string, now: Date = new Date()): string {
  const instant = new Date(dueAt)
  const day = dateIn(zone, instant)
  const today = dateIn(zone, now)
  const tomorrow = dateIn(zone, new Date(now.getTime() + 86400000))
  const yesterday = dateIn(zone, new Date(now.getTime() - 86400000))
  let text: string
  if (day === today) text = 'Today'
  else if (day === tomorrow) text = 'Tomorrow'
  else if (day === yesterday) text = 'Yesterday'
  else {
    const sameYear = day.slice(0, 4) === today.slice(0, 4)
    text = new Intl.DateTimeFormat(undefined, {
      timeZone: zone, weekday: sameYear ? 'short' : undefined, day: 'numeric', month: 'short',
      year: sameYear ? undefined : 'numeric',
    }).format(instant)
  }
  if (!allDay) {
    text += ' ' + new Intl.DateTimeFormat(undefined, { timeZone: zone, hour: 'numeric', minute: '2-digit' }).format(instant)
  }
  return text
}

export function formatInstant(instant: string, zone?: string): string {
  return new Intl.DateTimeFormat(undefined, { timeZone: zone, dateStyle: 'medium', timeStyle: 'short' })
    .format(new Date(instant))
}

/** Overdue as the API counts it: a timed task once its instant passed, an all-day one a day after. */
export function isOverdue(task: { status: string; dueAt: string | null; allDay: boolean }, now: Date = new Date()): boolean {
  if (task.status !== 'open' || !task.dueAt) return false
  const due = new Date(task.dueAt).getTime() + (task.allDay ? 86400000 : 0)
  return due <= now.getTime()
}
