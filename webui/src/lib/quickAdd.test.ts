import { describe, expect, it } from 'vitest'
import { describe as describeParts, highlight, quickAddMessage } from './quickAdd'

const kinds = (line: string) => highlight(line).filter((s) => s.kind).map((s) => [s.kind, s.text])

describe('quick-add highlighting', () => {
  it('finds the repetition, the tag and the priority of the issue example', () => {
    expect(kinds('Pay rent every month on the 1st #home !!')).toEqual([
      ['recurrence', 'every month on the 1st'], ['tag', '#home'], ['priority', '!!'],
    ])
  })

  it('joins back into the line it was given', () => {
    const line = 'Call mum tomorrow at 3pm #family high priority'
    expect(highlight(line).map((s) => s.text).join('')).toBe(line)
  })

  it('tells dates from times', () => {
    expect(kinds('dentist next friday at 9:30')).toEqual([['date', 'next friday'], ['time', 'at 9:30']])
    expect(kinds('report due Dec 5 noon')).toEqual([['date', 'Dec 5'], ['time', 'noon']])
    expect(kinds('send it in 3 days')).toEqual([['date', 'in 3 days']])
  })

  it('reads recurrence words', () => {
    expect(kinds('water plants every 2 weeks')).toEqual([['recurrence', 'every 2 weeks']])
    expect(kinds('standup every monday and wednesday')).toEqual([['recurrence', 'every monday and wednesday']])
    expect(kinds('backup daily')).toEqual([['recurrence', 'daily']])
  })

  it('does not take words that merely contain a keyword', () => {
    expect(kinds('read Monday.com docs about todays plans')).toEqual([['date', 'Monday']])
    expect(kinds('fix issue#12')).toEqual([])
    expect(kinds('wow!! that')).toEqual([])
  })

  it('says what it recognised in words', () => {
    expect(describeParts(highlight('Pay rent tomorrow #home !'))).toBe('Due: tomorrow · Tag: #home · Priority: !')
  })
})

describe('quick-add message', () => {
  it('asks the assistant to add, unless the line already says what to do', () => {
    expect(quickAddMessage(' buy milk ')).toBe('add buy milk')
    expect(quickAddMessage('Remind me to call Bob at 5pm')).toBe('Remind me to call Bob at 5pm')
    expect(quickAddMessage('address the letters')).toBe('add address the letters')
  })
})
