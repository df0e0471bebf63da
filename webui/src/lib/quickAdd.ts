// Finds, in a quick-add line, the parts the assistant's language engine reads as a due date, a time,
// tags, a priority or a repetition, so that they can be highlighted while the person types. Only for
// showing: the line itself goes to the chat API, which decides what it means.

export type PartKind = 'date' | 'time' | 'tag' | 'priority' | 'recurrence'

export interface Segment {
  text: string
  kind?: PartKind
}

const WEEKDAY = '(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?'
const MONTH = '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)'
const ORDINAL = '(?:\\d{1,2}(?:st|nd|rd|th)|first|second|third|fourth|last)'
const UNIT = '(?:days?|weeks?|months?|years?|hours?|minutes?|mins?)'
const NUMBER = '(?:\\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|other)'

// Earlier patterns win where matches overlap; each is matched on word boundaries, case-insensitively.
const PATTERNS: [PartKind, string][] = [
  ['recurrence', `every\\s+(?:${NUMBER}\\s+)?(?:${UNIT}|${WEEKDAY}s?(?:\\s*(?:,|and)\\s*${WEEKDAY}s?)*|weekdays?|weekends?|morning|evening|night)` +
    `(?:\\s+on\\s+the\\s+${ORDINAL}(?:\\s+${WEEKDAY})?)?`],
  ['recurrence', '(?:daily|weekly|monthly|yearly|annually|biweekly|fortnightly|on\\s+weekdays)'],
  ['recurrence', `(?:until\\s+(?:${MONTH}\\s+\\d{1,2}|\\d{4}-\\d{2}-\\d{2})|for\\s+\\d+\\s+(?:weeks|months|times|days))`],
  ['priority', '(?:(?:high|low|medium|top|urgent)\\s+priority|priority\\s+(?:high|low|medium|urgent)|urgent(?:ly)?|asap|important|p[1-4])'],
  ['date', `(?:today|tonight|tomorrow|tmrw|day\\s+after\\s+tomorrow|this\\s+(?:weekend|week|month|evening|afternoon|morning)|` +
    `next\\s+(?:week|month|year|weekend|${WEEKDAY})|(?:on\\s+)?(?:this\\s+)?${WEEKDAY}|` +
    `in\\s+${NUMBER}\\s+${UNIT}|${MONTH}\\s+\\d{1,2}(?:st|nd|rd|th)?(?:,?\\s+\\d{4})?|\\d{1,2}(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH}|` +
    `(?:on\\s+)?the\\s+${ORDINAL}|\\d{4}-\\d{2}-\\d{2}|\\d{1,2}/\\d{1,2}(?:/\\d{2,4})?|end\\s+of\\s+(?:the\\s+)?(?:day|week|month))`],
  ['time', '(?:(?:at\\s+)?\\d{1,2}(?::\\d{2})?\\s*(?:am|pm)|(?:at\\s+)?\\d{1,2}:\\d{2}|at\\s+\\d{1,2}|noon|midnight|(?:in\\s+the\\s+)?(?:morning|afternoon|evening))'],
]

const MATCHERS = PATTERNS.map(([kind, source]) => ({ kind, re: new RegExp(`(?<![\\p{L}\\p{N}])${source}(?![\\p{L}\\p{N}])`, 'giu') }))
const TAG = /(?<![\p{L}\p{N}_])#[\p{L}\p{N}_./:-]+/gu
const BANGS = /(?<!\S)!{1,3}(?!\S)/g

/** Splits the line into segments; the recognised ones carry their kind. Joined, they are the line. */
export function highlight(line: string): Segment[] {
  const found: { start: number; end: number; kind: PartKind }[] = []
  const claim = (start: number, end: number, kind: PartKind) => {
    if (end > start && !found.some((f) => start < f.end && f.start < end)) found.push({ start, end, kind })
  }
  for (const m of line.matchAll(TAG)) claim(m.index, m.index + m[0].length, 'tag')
  for (const m of line.matchAll(BANGS)) claim(m.index, m.index + m[0].length, 'priority')
  for (const { kind, re } of MATCHERS) {
    for (const m of line.matchAll(re)) claim(m.index, m.index + m[0].length, kind)
  }
  found.sort((a, b) => a.start - b.start)
  const segments: Segment[] = []
  let at = 0
  for (const f of found) {
    if (f.start > at) segments.push({ text: line.slice(at, f.start) })
    segments.push({ text: line.slice(f.start, f.end), kind: f.kind })
    at = f.end
  }
  if (at < line.length) segments.push({ text: line.slice(at) })
  return segments
}

const LABELS: Record<PartKind, string> = {
  date: 'Due', time: 'Time', tag: 'Tag', priority: 'Priority', recurrence: 'Repeats',
}

/** "Due: tomorrow · Tag: #home" — what was recognised, for screen readers and the hint under the box. */
export function describe(segments: Segment[]): string {
  return segments.filter((s) => s.kind).map((s) => `${LABELS[s.kind!]}: ${s.text.trim()}`).join(' · ')
}

/** The chat message for a quick-add line: "add ..." unless the line already says what to do. */
export function quickAddMessage(line: string): string {
  const text = line.trim()
  return /^(add|remind|create|new task)\b/i.test(text) ? text : `add ${text}`
}
