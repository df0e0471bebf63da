// Search, filters and order of the task list.
import { useState } from 'react'
import { DEFAULT_FILTERS, isFiltered, type DueRange, type Filters, type SortKey } from '../lib/filters'
import { PRIORITIES, type Priority } from '../lib/types'

const DUE: [DueRange, string][] = [['any', 'Any time'], ['today', 'Today'], ['week', 'This week'], ['overdue', 'Overdue']]
const SORTS: [SortKey, string][] = [
  ['dueAt', 'Due date'], ['priority', 'Priority'], ['createdAt', 'Created'], ['updatedAt', 'Updated'], ['title', 'Title'],
]

export function FilterBar({ filters, onChange, searchRef }: {
  filters: Filters
  onChange: (f: Filters) => void
  searchRef: React.RefObject<HTMLInputElement | null>
}) {
  const [tag, setTag] = useState('')
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
        <div className="segmented" role="radiogroup" aria-label="Due" data-testid="filter-due">
          {DUE.map(([value, label]) => (
            <button key={value} type="button" role="radio" aria-checked={filters.due === value}
              onClick={() => set({ due: value })}>{label}</button>
          ))}
        </div>
      </div>
      <div className="filter-row">
        <div className="chips" role="group" aria-label="Priority" data-testid="filter-priority">
          {PRIORITIES.filter((p) => p !== 'none').map((p) => (
            <button key={p} type="button" className={`chip priority-${p}`} aria-pressed={filters.priorities.includes(p)}
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
