// How a task repeats: frequency, interval, weekdays, day of month or nth weekday, and when it ends,
// with the RRULE it makes and the first five dates. A rule beyond these forms is edited as text.
import { useId, useMemo, useState } from 'react'
import {
  defaultForm, describeForm, fromRule, nextDates, toRule, WEEKDAYS, type Frequency, type RecurrenceForm, type Weekday,
} from '../lib/recurrence'
import { LAST_DATE } from '../lib/time'
import type { Recurrence } from '../lib/types'

const FREQUENCIES: [Frequency, string, string][] = [
  ['DAILY', 'Daily', 'day'], ['WEEKLY', 'Weekly', 'week'], ['MONTHLY', 'Monthly', 'month'], ['YEARLY', 'Yearly', 'year'],
]
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const NTH: [number, string][] = [[1, 'first'], [2, 'second'], [3, 'third'], [4, 'fourth'], [-1, 'last']]
const DAY_LABELS: Record<Weekday, string> = { MO: 'Mon', TU: 'Tue', WE: 'Wed', TH: 'Thu', FR: 'Fri', SA: 'Sat', SU: 'Sun' }

interface Props {
  value: Recurrence | null
  /** The due date ('YYYY-MM-DD'), the first occurrence; null when the task has none yet. */
  due: string | null
  onChange: (value: Recurrence | null) => void
  error?: string
}

export function RecurrenceBuilder({ value, due, onChange, error }: Props) {
  const id = useId()
  const start = due ?? new Date().toISOString().slice(0, 10)
  const form = value ? fromRule(value.rule, start) : null
  const [customText, setCustomText] = useState(value && !form ? value.rule : '')
  const custom = value !== null && form === null
  const mode = value?.mode ?? 'fromDue'
  const dates = useMemo(() => (form ? nextDates(form, start) : []), [form ? toRule(form) : '', start])

  const update = (patch: Partial<RecurrenceForm>) => {
    if (!form) return
    onChange({ rule: toRule({ ...form, ...patch }), mode })
  }
  const choose = (choice: string) => {
    if (choice === 'none') onChange(null)
    else if (choice === 'CUSTOM') onChange({ rule: customText || (form ? toRule(form) : 'FREQ=DAILY'), mode })
    else onChange({ rule: toRule(defaultForm(choice as Frequency, start)), mode })
  }
  const toggleDay = (day: Weekday) => {
    if (!form) return
    const days = form.weekdays.includes(day) ? form.weekdays.filter((d) => d !== day) : [...form.weekdays, day]
    update({ weekdays: days.length > 0 ? days : form.weekdays })
  }
  const unit = FREQUENCIES.find(([f]) => f === form?.frequency)?.[2] ?? 'day'

  return (
    <fieldset className="recurrence" data-testid="recurrence-builder" aria-describedby={error ? `${id}-error` : undefined}>
      <legend>Repeat</legend>
      <div className="field-row">
        <label className="compact">
          <span>Repeats</span>
          <select value={value === null ? 'none' : custom ? 'CUSTOM' : form!.frequency} data-testid="recurrence-frequency"
            onChange={(e) => choose(e.target.value)}>
            <option value="none">Never</option>
            {FREQUENCIES.map(([f, label]) => <option key={f} value={f}>{label}</option>)}
            <option value="CUSTOM">Custom rule</option>
          </select>
        </label>
        {form && (
          <label className="compact">
            <span>every</span>
            <input type="number" min={1} max={1000} value={form.interval} className="narrow" aria-label={`Interval in ${unit}s`}
              data-testid="recurrence-interval"
              onChange={(e) => update({ interval: Math.max(1, Math.min(1000, Number(e.target.value) || 1)) })} />
            <span>{unit}{form.interval > 1 ? 's' : ''}</span>
          </label>
        )}
      </div>

      {form?.frequency === 'WEEKLY' && (
        <div className="weekdays" role="group" aria-label="On these days" data-testid="recurrence-weekdays">
          {WEEKDAYS.map((d) => (
            <button key={d} type="button" className="chip" aria-pressed={form.weekdays.includes(d)}
              onClick={() => toggleDay(d)}>{DAY_LABELS[d]}</button>
          ))}
        </div>
      )}

      {form && (form.frequency === 'MONTHLY' || form.frequency === 'YEARLY') && (
        <div className="month-pattern" role="radiogroup" aria-label="On which day">
          <label className="compact">
            <input type="radio" name={`${id}-monthly`} checked={form.monthly === 'dayOfMonth'}
              onChange={() => update({ monthly: 'dayOfMonth' })} />
            <span>On day</span>
            <select value={form.monthDay} aria-label="Day of the month" disabled={form.monthly !== 'dayOfMonth'}
              onChange={(e) => update({ monthDay: Number(e.target.value) })}>
              {Array.from({ length: 31 }, (_, i) => i + 1).map((d) => <option key={d} value={d}>{d}</option>)}
              <option value={-1}>last</option>
            </select>
          </label>
          <label className="compact">
            <input type="radio" name={`${id}-monthly`} checked={form.monthly === 'nthWeekday'}
              onChange={() => update({ monthly: 'nthWeekday' })} />
            <span>On the</span>
            <select value={form.nth} aria-label="Which week" disabled={form.monthly !== 'nthWeekday'}
              onChange={(e) => update({ nth: Number(e.target.value) })}>
              {NTH.map(([n, label]) => <option key={n} value={n}>{label}</option>)}
            </select>
            <select value={form.nthWeekday} aria-label="Weekday" disabled={form.monthly !== 'nthWeekday'}
              onChange={(e) => update({ nthWeekday: e.target.value as Weekday })}>
              {WEEKDAYS.map((d) => <option key={d} value={d}>{DAY_LABELS[d]}</option>)}
            </select>
          </label>
          {form.frequency === 'YEARLY' && (
            <label className="compact">
              <span>of</span>
              <select value={form.month} aria-label="Month" onChange={(e) => update({ month: Number(e.target.value) })}>
                {MONTHS.map((m, i) => <option key={m} value={i + 1}>{m}</option>)}
              </select>
            </label>
          )}
        </div>
      )}

      {form && (
        <div className="ends" role="radiogroup" aria-label="Ends">
          <span>Ends</span>
          <label className="compact">
            <input type="radio" name={`${id}-ends`} checked={form.ends === 'never'} onChange={() => update({ ends: 'never' })} />
            <span>never</span>
          </label>
          <label className="compact">
            <input type="radio" name={`${id}-ends`} checked={form.ends === 'count'} onChange={() => update({ ends: 'count' })} />
            <span>after</span>
            <input type="number" min={1} className="narrow" value={form.count} aria-label="Number of times"
              disabled={form.ends !== 'count'} onChange={(e) => update({ count: Math.max(1, Number(e.target.value) || 1) })} />
            <span>times</span>
          </label>
          <label className="compact">
            <input type="radio" name={`${id}-ends`} checked={form.ends === 'until'} onChange={() => update({ ends: 'until' })} />
            <span>on</span>
            <input type="date" min={start} max={LAST_DATE} value={form.until} aria-label="Last date" disabled={form.ends !== 'until'}
              onChange={(e) => e.target.value && update({ until: e.target.value })} />
          </label>
        </div>
      )}

      {custom && (
        <label className="field">
          <span>RRULE</span>
          <input value={customText} data-testid="recurrence-rule-input" placeholder="FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1"
            onChange={(e) => { setCustomText(e.target.value); onChange({ rule: e.target.value, mode }) }} />
        </label>
      )}

      {value && (
        <>
          <label className="compact">
            <span>Next one counts from</span>
            <select value={mode} onChange={(e) => onChange({ ...value, mode: e.target.value as Recurrence['mode'] })}>
              <option value="fromDue">the due date</option>
              <option value="fromCompletion">when I complete it</option>
            </select>
          </label>
          <div className="recurrence-summary" aria-live="polite">
            {form && <p>{describeForm(form)}</p>}
            <code data-testid="rrule">{value.rule}</code>
            {!due && <p className="hint">A repeating task needs a due date: its first occurrence.</p>}
            {form && due && (
              <>
                <p className="hint">{mode === 'fromDue' ? 'Dates' : 'Dates if each is completed on its due date'}:</p>
                <ol className="next-dates" data-testid="recurrence-next-dates">
                  {dates.map((d) => <li key={d}><time dateTime={d}>{formatDay(d)}</time></li>)}
                </ol>
              </>
            )}
          </div>
        </>
      )}
      {error && <p id={`${id}-error`} className="field-error" role="alert">{error}</p>}
    </fieldset>
  )
}

function formatDay(date: string): string {
  return new Intl.DateTimeFormat(undefined, { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' })
    .format(new Date(`${date}T00:00:00Z`))
}
