// Search, filters and order of the task list. The Due filter (one choice) is a radio group and the
// priorities (any number) are toggle buttons; each group is one Tab stop, the arrow keys move inside it.
import { useState, type KeyboardEvent } from 'react'
import { DEFAULT_FILTERS, isFiltered, type DueRange, type Filters, type SortKey } from '../lib/filters'
import { PRIORITIES, type Priority } from '../lib/types'

const DUE: [DueRange, string][] = [['any', 'Any time'], ['today', 'Today'], ['week', 'This week'], ['overdue', 'Overdue']]
const SORTS: [SortKey, string][] = [
  ['dueAt', 'Due date'], ['priority', 'Priority'], ['createdAt', 'Created'], ['updatedAt', 'Updated'], ['title', 'Title'],
]

/** Moves the focus among the buttons of a group with the arrows, Home and End; answers the index reached. */
function arrowKeys(event: KeyboardEvent<HTMLElement>): number | null {
  const buttons = [...event.currentTarget.querySelectorAll<HTMLButtonElement>('button')]
  const at = buttons.indexOf(document.activeElement as HTMLButtonElement)
  const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key]
  const next = event.key === 'Home' ? 0 : event.key === 'End' ? buttons.length - 1
    : step !== undefined && at >= 0 ? (at + step + buttons.length) % buttons.length : null
  if (next === null) return null
  event.preventDefault() // nor scroll, nor move the task selection (the workspace's ↑/↓)
  event.stopPropagation()
  buttons[next].focus()
  return next
}

export function FilterBar({ filters, onChange, searchRef }: {
  filters: Filters
  onChange: (f: Filters) => void
  searchRef: React.RefObject<HTMLInputElement | null>
}) {
  const [tag, setTag] = useState('')
  const [priorityStop, setPriorityStop] = useState(0) // the priority button reached with Tab
  const set = (patch: Partial<Filters>) => onChange({ ...filters, ...patch })
  const togglePriority = (p: Priority) => set({
    priorities: filters.priorities.includes(p) ? filters.priorities.filter((x) => x !== p) : [...filters.priorities, p],
  })
  const addTag = () => {
    const clean = tag.trim().replace(/^#+/, '').toLowerCase()
    if (clean && !filters.tags.includes(clean)) set({ tags: [...filters.tags, clean] })
    setTag('')
  }

  return (
    <div className="filters" role="search" aria-label="Filter tasks" data-testid="filters">
      <input ref={searchRef} type="search" className="search" placeholder="Search tasks  ( / )" aria-label="Search tasks"
        data-testid="search-input" value={filters.q} onChange={(e) => set({ q: e.target.value })} maxLength={200} />
      <div className="filter-row">
        <label className="compact">
          <span>Status</span>
          <select value={filters.status} data-testid="filter-status"
            onChange={(e) => set({ status: e.target.value as Filters['status'] })}>
            <option value="open">Open</option>
            <option value="completed">Completed</option>
            <option value="all">All</option>
          </select>
        </label>
        <div className="segmented" role="radiogroup" aria-label="Due" data-testid="filter-due"
          onKeyDown={(e) => { const at = arrowKeys(e); if (at !== null) set({ due: DUE[at][0] }) }}>
          {DUE.map(([value, label]) => (
            <button key={value} type="button" role="radio" aria-checked={filters.due === value}
              tabIndex={filters.due === value ? 0 : -1} onClick={() => set({ due: value })}>{label}</button>
          ))}
        </div>
      </div>
      <div className="filter-row">
        <div className="chips" role="group" aria-label="Priority" data-testid="filter-priority"
          onKeyDown={(e) => { const at = arrowKeys(e); if (at !== null) setPriorityStop(at) }}>
          {PRIORITIES.filter((p) => p !== 'none').map((p, i) => (
            <button key={p} type="button" className={`chip priority-${p}`} aria-pressed={filters.priorities.includes(p)}
              tabIndex={i === priorityStop ? 0 : -1} onFocus={() => setPriorityStop(i)}
              onClick={() => togglePriority(p)}>{p}</button>
          ))}
        </div>
        <div className="tag-filter" data-testid="filter-tags">
          {filters.tags.map((t) => (
            <button key={t} type="button" className="chip tag" aria-label={`Remove tag filter ${t}`}
              onClick={() => set({ tags: filters.tags.filter((x) => x !== t) })}>#{t} ×</button>
          ))}
          <input aria-label="Filter by tag" placeholder="#tag" value={tag} onChange={(e) => setTag(e.target.value)}
            onKeyDown={(e) => { if (e.key === 'Enter') { e.preventDefault(); addTag() } }} onBlur={addTag} />
          {filters.tags.length > 1 && (
            <label className="compact">
              <input type="checkbox" checked={filters.tagMode === 'all'}
                onChange={(e) => set({ tagMode: e.target.checked ? 'all' : 'any' })} />
              <span>all tags</span>
            </label>
          )}
        </div>
        <label className="compact sort">
          <span>Sort</span>
          <select value={filters.sort} data-testid="filter-sort" onChange={(e) => set({ sort: e.target.value as SortKey, order: 'default' })}>
            {SORTS.map(([value, label]) => <option key={value} value={value}>{label}</option>)}
          </select>
        </label>
        <label className="compact">
          <span className="visually-hidden">Order</span>
          <select value={filters.order} aria-label="Order" data-testid="filter-order"
            onChange={(e) => set({ order: e.target.value as Filters['order'] })}>
            <option value="default">Natural order</option>
            <option value="asc">Ascending</option>
            <option value="desc">Descending</option>
          </select>
        </label>
        {isFiltered(filters) && (
          <button type="button" className="link-button" onClick={() => onChange({ ...DEFAULT_FILTERS, sort: filters.sort, order: filters.order })}>
            Clear filters
          </button>
        )}
      </div>
    </div>
  )
}
