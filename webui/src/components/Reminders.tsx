// A task's reminders: at a moment, or some time before the due time (optionally at a time of day).
import { useState, type FormEvent } from 'react'
import { api, ApiError } from '../lib/api'
import { FIRST_DATE, LAST_DATE, formatInstant, zonedInstant } from '../lib/time'
import type { Reminder, Task } from '../lib/types'
import { FormError } from './FieldError'

const UNITS: [string, string][] = [['M', 'minutes'], ['H', 'hours'], ['D', 'days'], ['W', 'weeks']]

/** "PT30M" → "30 minutes before"; "P1D" with 09:00 → "1 day before at 09:00". */
export function describeBefore(before: string, time?: string | null): string {
  const m = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(before)
  if (!m) return `${before} before`
  const parts = [[m[1], 'week'], [m[2], 'day'], [m[3], 'hour'], [m[4], 'minute']]
    .filter(([n]) => n && n !== '0').map(([n, unit]) => `${n} ${unit}${n === '1' ? '' : 's'}`)
  return `${parts.join(' ')} before${time ? ` at ${time}` : ''}`
}

export function durationOf(amount: number, unit: string): string {
  return unit === 'M' || unit === 'H' ? `PT${amount}${unit}` : `P${amount}${unit}`
}

export function Reminders({ task, onChanged }: { task: Task; onChanged: () => void }) {
  const [kind, setKind] = useState<'before' | 'at'>(task.dueAt ? 'before' : 'at')
  const [amount, setAmount] = useState(30)
  const [unit, setUnit] = useState('M')
  const [time, setTime] = useState('')
  const [date, setDate] = useState(new Date().toISOString().slice(0, 10))
  const [clock, setClock] = useState('09:00')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  async function add(event: FormEvent) {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const body = kind === 'at'
        ? { at: zonedInstant(date, clock, task.timeZone) }
        : { before: durationOf(amount, unit), ...(time && (unit === 'D' || unit === 'W') ? { time } : {}) }
      await api.addReminder(task.id, body)
      onChanged()
    } catch (e) {
      if (!(e instanceof ApiError)) throw e
      setError(e.fieldErrors.length > 0 ? e.fieldErrors.map((f) => `${fieldName(f.field)} ${f.message}`).join('; ') : e.problem.detail)
    } finally {
      setBusy(false)
    }
  }

  async function remove(reminder: Reminder) {
    setError(null)
    try {
      await api.deleteReminder(task.id, reminder.id)
      onChanged()
    } catch (e) {
      if (!(e instanceof ApiError)) throw e
      setError(e.problem.detail)
    }
  }

  return (
    <section className="reminders" aria-labelledby="reminders-heading" data-testid="reminders">
      <h3 id="reminders-heading">Reminders</h3>
      {task.reminders.length === 0 ? <p className="muted">No reminders.</p> : (
        <ul className="reminder-list">
          {task.reminders.map((r) => (
            <li key={r.id} data-testid="reminder">
              <span>
                {r.before ? `${describeBefore(r.before, r.time)} · ` : ''}
                <time dateTime={r.at}>{formatInstant(r.at, task.timeZone)}</time>
              </span>
              <button type="button" className="icon-button" aria-label={`Delete reminder at ${formatInstant(r.at, task.timeZone)}`}
                onClick={() => remove(r)}>×</button>
            </li>
          ))}
        </ul>
      )}
      <form className="reminder-form" onSubmit={add} aria-label="Add a reminder">
        <select value={kind} aria-label="Reminder kind" onChange={(e) => setKind(e.target.value as 'before' | 'at')}>
          <option value="before" disabled={!task.dueAt}>Before it is due</option>
          <option value="at">At a date and time</option>
        </select>
        {kind === 'before' ? (
          <>
            <input type="number" min={1} className="narrow" value={amount} aria-label="How long before"
              onChange={(e) => setAmount(Math.max(1, Number(e.target.value) || 1))} />
            <select value={unit} aria-label="Unit" onChange={(e) => setUnit(e.target.value)}>
              {UNITS.map(([u, label]) => <option key={u} value={u}>{label}</option>)}
            </select>
            {(unit === 'D' || unit === 'W') && (
              <input type="time" value={time} aria-label="At time of day (optional)" onChange={(e) => setTime(e.target.value)} />
            )}
          </>
        ) : (
          <>
            <input type="date" min={FIRST_DATE} max={LAST_DATE} value={date} aria-label="Reminder date" onChange={(e) => setDate(e.target.value)} />
            <input type="time" value={clock} aria-label="Reminder time" onChange={(e) => setClock(e.target.value)} />
          </>
        )}
        <button type="submit" disabled={busy}>Add reminder</button>
      </form>
      {kind === 'at' && <p className="hint">In the task’s time zone ({task.timeZone}).</p>}
      <FormError message={error} />
    </section>
  )
}

function fieldName(field: string): string {
  return { at: 'The time', before: 'How long before', time: 'The time of day' }[field] ?? field
}
