// The task list shown: loaded for the filters (the search debounced), paged with nextCursor, and kept
// current by live messages and by the answers of our own changes.
import { useCallback, useEffect, useRef, useState } from 'react'
import { api, ApiError } from './api'
import { toQuery, type Filters } from './filters'
import { applyLive, applyTaskChange, type ListState, type LiveMessage } from './live'
import { dateIn } from './time'
import type { Task } from './types'

export interface TaskList extends ListState {
  loading: boolean
  loadingMore: boolean
  error: ApiError | null
  loadMore(): void
  reload(): void
  /** A task as one of our own requests answered it (or null with its id: it is gone). */
  put(task: Task): void
  remove(taskId: string): void
  live(message: LiveMessage): void
}

const SEARCH_DELAY_MS = 250

export function useTaskList(filters: Filters, zone: string): TaskList {
  const [state, setState] = useState<ListState>({ items: [], nextCursor: null })
  const [loading, setLoading] = useState(true)
  const [loadingMore, setLoadingMore] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const [generation, setGeneration] = useState(0)
  const context = useRef({ filters, zone })
  context.current = { filters, zone }

  // the search waits for a pause in typing; every other filter applies at once
  const [q, setQ] = useState(filters.q)
  useEffect(() => {
    const timer = setTimeout(() => setQ(filters.q), SEARCH_DELAY_MS)
    return () => clearTimeout(timer)
  }, [filters.q])
  const query = toQuery({ ...filters, q }, dateIn(zone))

  useEffect(() => {
    const abort = new AbortController()
    setLoading(true)
    setError(null)
    api.tasks(query, abort.signal)
      .then((page) => setState({ items: page.items, nextCursor: page.nextCursor }))
      .catch((e) => {
        if (e instanceof ApiError) setError(e)
        else if ((e as Error).name !== 'AbortError') throw e
      })
      .finally(() => { if (!abort.signal.aborted) setLoading(false) })
    return () => abort.abort()
  }, [query, generation])

  const loadMore = useCallback(() => {
    if (!state.nextCursor || loadingMore) return
    setLoadingMore(true)
    api.tasks(`${query}&cursor=${encodeURIComponent(state.nextCursor)}`)
      .then((page) => setState((s) => {
        const known = new Set(s.items.map((t) => t.id))
        return { items: [...s.items, ...page.items.filter((t) => !known.has(t.id))], nextCursor: page.nextCursor }
      }))
      .catch((e) => setError(e instanceof ApiError ? e : null))
      .finally(() => setLoadingMore(false))
  }, [query, state.nextCursor, loadingMore])

  const put = useCallback((task: Task) => {
    setState((s) => applyTaskChange(s, task.id, task, task.version, context.current))
  }, [])
  const remove = useCallback((taskId: string) => {
    setState((s) => ({ ...s, items: s.items.filter((t) => t.id !== taskId) }))
  }, [])
  const live = useCallback((message: LiveMessage) => {
    setState((s) => applyLive(s, message, context.current))
  }, [])
  const reload = useCallback(() => setGeneration((g) => g + 1), [])

  return { ...state, loading, loadingMore, error, loadMore, reload, put, remove, live }
}
