// Every call to the API: relative URLs (the UI is served on the API's origin), the bearer token, and
// problem documents turned into ApiError. A 401 from any call signs the person out (onUnauthorized).
import type {
  ChatMessage, Conversation, FieldError, Problem, Reminder, Session, Task, TaskEvent, TaskPage,
} from './types'

export class ApiError extends Error {
  readonly problem: Problem

  constructor(problem: Problem) {
    super(problem.detail || problem.title)
    this.problem = problem
  }

  get status(): number {
    return this.problem.status
  }

  /** The message for one body field or query parameter, if the API named it. */
  field(name: string): string | undefined {
    return this.problem.errors?.find((e) => e.field === name || e.field.startsWith(name + '['))?.message
  }

  get fieldErrors(): FieldError[] {
    return this.problem.errors ?? []
  }
}

let token: string | null = null
let onUnauthorized: () => void = () => {}

export function setToken(value: string | null): void {
  token = value
}

export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler
}

export function authHeader(): Record<string, string> {
  return token ? { Authorization: `Bearer ${token}` } : {}
}

/** Reads a failed answer as a problem document, or makes one that says what happened in words. */
export async function problemOf(response: Response): Promise<Problem> {
  const text = await response.text().catch(() => '')
  try {
    const body = JSON.parse(text)
    if (body && typeof body === 'object' && 'status' in body) return body as Problem
  } catch {
    // not JSON: a proxy's page or nothing at all
  }
  return {
    type: '/problems/http',
    title: response.statusText || 'Request failed',
    status: response.status,
    detail: response.status >= 500
      ? 'The server could not answer right now. Try again in a moment.'
      : `The request failed (${response.status}).`,
  }
}

const offline: Problem = {
  type: '/problems/offline',
  title: 'No connection',
  status: 0,
  detail: 'The server cannot be reached. Check your connection and try again.',
}

interface RequestOptions {
  body?: unknown
  ifMatch?: number
  headers?: Record<string, string>
  signal?: AbortSignal
}

/** Sends a request and answers the raw Response when it is a success; throws ApiError otherwise. */
export async function send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json', ...authHeader(), ...options.headers }
  if (options.body !== undefined) headers['Content-Type'] = 'application/json'
  if (options.ifMatch !== undefined) headers['If-Match'] = `"${options.ifMatch}"`
  let response: Response
  try {
    response = await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    })
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e
    throw new ApiError(offline)
  }
  if (!response.ok) {
    const problem = await problemOf(response)
    if (response.status === 401 && token) onUnauthorized()
    throw new ApiError(problem)
  }
  return response
}

async function json<T>(method: string, path: string, options?: RequestOptions): Promise<T> {
  const response = await send(method, path, options)
  return (await response.json()) as T
}

const id = encodeURIComponent

export const api = {
  signUp: (body: { email: string; password: string; name: string; timeZone: string }) =>
    json<Session>('POST', '/api/auth/signup', { body }),
  signIn: (body: { email: string; password: string }) => json<Session>('POST', '/api/auth/login', { body }),
  me: () => json<Session['user']>('GET', '/api/me'),

  tasks: (query: string, signal?: AbortSignal) => json<TaskPage>('GET', `/api/tasks?${query}`, { signal }),
  task: (taskId: string) => json<Task>('GET', `/api/tasks/${id(taskId)}`),
  createTask: (body: Record<string, unknown>) => json<Task>('POST', '/api/tasks', { body }),
  updateTask: (taskId: string, patch: Record<string, unknown>, version?: number) =>
    json<Task>('PATCH', `/api/tasks/${id(taskId)}`, { body: patch, ifMatch: version }),
  deleteTask: (taskId: string, version?: number) =>
    send('DELETE', `/api/tasks/${id(taskId)}`, { ifMatch: version }).then(() => undefined),
  deleteTaskSeries: (taskId: string, version?: number) =>
    send('DELETE', `/api/tasks/${id(taskId)}?series=stop`, { ifMatch: version }).then(() => undefined),
  complete: (taskId: string) => json<Task>('POST', `/api/tasks/${id(taskId)}/complete`),
  reopen: (taskId: string) => json<Task>('POST', `/api/tasks/${id(taskId)}/reopen`),
  snooze: (reminderId: string, minutes: number) =>
    json<Reminder & { taskId: string }>('POST', `/api/reminders/${id(reminderId)}/snooze`, { body: { minutes } }),

  addReminder: (taskId: string, body: { at?: string; before?: string; time?: string }) =>
    json<Reminder>('POST', `/api/tasks/${id(taskId)}/reminders`, { body }),
  deleteReminder: (taskId: string, reminderId: string) =>
    send('DELETE', `/api/tasks/${id(taskId)}/reminders/${id(reminderId)}`).then(() => undefined),

  history: (taskId: string) =>
    json<{ items: TaskEvent[]; nextCursor: string | null }>('GET', `/api/tasks/${id(taskId)}/history?limit=200`),

  conversations: () => json<{ items: Conversation[] }>('GET', '/api/conversations'),
  messages: (conversationId: string) =>
    json<{ conversationId: string; items: ChatMessage[] }>('GET', `/api/conversations/${id(conversationId)}/messages`),
  deleteConversation: (conversationId: string) =>
    send('DELETE', `/api/conversations/${id(conversationId)}`).then(() => undefined),
}
