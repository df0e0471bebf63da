// Live updates: the messages of /ws applied to the list shown, and the socket itself, which reconnects
// with the last cursor (so the server first sends what was missed) after a growing pause.
import { compareTasks, matches, type Filters } from './filters'
import type { FiredReminder, Task } from './types'

export type LiveMessage =
  | { type: 'task.created' | 'task.updated' | 'task.completed' | 'task.reopened' | 'task.changed'; taskId: string; task: Task; version: number; cursor: string }
  | { type: 'task.deleted'; taskId: string; task: null; version: number; cursor: string }
  | { type: 'reminder'; reminder: FiredReminder; cursor?: null }
  | { type: 'resync'; reason?: string }

export interface ListState {
  items: Task[]
  /** More pages follow: a task that sorts after the last one shown waits for "load more". */
  nextCursor: string | null
}

export interface ListContext {
  filters: Filters
  zone: string
  now?: Date
}

/**
 * The list after one task changed: replaced where it is, moved to where it now sorts, added when it
 * newly fits the filters, removed when it no longer does or was deleted. An older version than the one
 * shown changes nothing (a resumed socket can repeat what a page already had).
 */
export function applyTaskChange(state: ListState, taskId: string, task: Task | null, version: number,
  context: ListContext): ListState {
  const index = state.items.findIndex((t) => t.id === taskId)
  const current = index >= 0 ? state.items[index] : undefined
  if (current && current.version >= version && task !== null) return state
  const rest = index >= 0 ? state.items.filter((_, i) => i !== index) : state.items
  if (task === null || !matches(task, context.filters, context.zone, context.now)) {
    return index >= 0 ? { ...state, items: rest } : state
  }
  const compare = compareTasks(context.filters)
  let at = rest.findIndex((t) => compare(task, t) < 0)
  if (at < 0) {
    if (state.nextCursor !== null) return index >= 0 ? { ...state, items: rest } : state
    at = rest.length
  }
  return { ...state, items: [...rest.slice(0, at), task, ...rest.slice(at)] }
}

export function applyLive(state: ListState, message: LiveMessage, context: ListContext): ListState {
  switch (message.type) {
    case 'reminder':
    case 'resync':
      return state
    case 'task.deleted':
      return applyTaskChange(state, message.taskId, null, message.version, context)
    default:
      return applyTaskChange(state, message.taskId, message.task, message.version, context)
  }
}

export type LiveStatus = 'connecting' | 'live' | 'offline'

export interface LiveOptions {
  token: () => string | null
  onMessage: (message: LiveMessage) => void
  onStatus: (status: LiveStatus, retryInSeconds?: number) => void
  /** The socket opened without a cursor after having been open before: changes may have been missed. */
  onGap: () => void
  url?: (cursor: string | null) => string
}

/** Pause before reconnect attempt n (from 0): 1 s, 2 s, 4 s... up to 30 s, with some jitter. */
export function backoff(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(30000, 1000 * 2 ** attempt)
  return Math.round(base * (0.75 + random() * 0.5))
}

function defaultUrl(cursor: string | null): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${scheme}//${location.host}/ws${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`
}

export class LiveConnection {
  private socket: WebSocket | null = null
  private cursor: string | null = null
  private attempt = 0
  private timer: ReturnType<typeof setTimeout> | undefined
  private stopped = false
  private everOpen = false
  private readonly options: LiveOptions

  constructor(options: LiveOptions) {
    this.options = options
  }

  start(): void {
    this.stopped = false
    this.connect()
  }

  stop(): void {
    this.stopped = true
    clearTimeout(this.timer)
    this.socket?.close(1000, 'signed out')
    this.socket = null
  }

  /** Reconnects at once (the page became visible again, the network came back). */
  nudge(): void {
    if (this.stopped || (this.socket && this.socket.readyState <= WebSocket.OPEN)) return
    clearTimeout(this.timer)
    this.connect()
  }

  private connect(): void {
    const token = this.options.token()
    if (!token || this.stopped) return
    this.options.onStatus('connecting')
    const resumed = this.cursor !== null
    const socket = new WebSocket((this.options.url ?? defaultUrl)(this.cursor), ['bearer', token])
    this.socket = socket
    socket.onopen = () => {
      this.attempt = 0
      this.options.onStatus('live')
      if (this.everOpen && !resumed) this.options.onGap()
      this.everOpen = true
    }
    socket.onmessage = (event) => {
      let message: LiveMessage
      try {
        message = JSON.parse(String(event.data))
      } catch {
        return
      }
      if ('cursor' in message && message.cursor) this.cursor = message.cursor
      this.options.onMessage(message)
    }
    socket.onclose = () => {
      if (this.socket !== socket || this.stopped) return
      this.socket = null
      const wait = backoff(this.attempt++)
      this.options.onStatus('offline', Math.round(wait / 1000))
      this.timer = setTimeout(() => this.connect(), wait)
    }
  }
}
