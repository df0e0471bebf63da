// The API's shapes, as openapi.yaml (modules/edge/src/main/resources) defines them.

export type Priority = 'none' | 'low' | 'medium' | 'high' | 'urgent'
export const PRIORITIES: Priority[] = ['none', 'low', 'medium', 'high', 'urgent']
export type Status = 'open' | 'completed'

export interface Reminder {
  id: string
  at: string
  before: string | null
  time?: string | null
}

export interface Recurrence {
  rule: string
  mode: 'fromDue' | 'fromCompletion'
}

export interface Task {
  id: string
  title: string
  description: string | null
  status: Status
  priority: Priority
  tags: string[]
  dueAt: string | null
  timeZone: string
  allDay: boolean
  createdAt: string
  updatedAt: string
  completedAt: string | null
  version: number
  recurrence: Recurrence | null
  seriesId: string | null
  occurrence: number | null
  reminders: Reminder[]
}

export interface TaskPage {
  items: Task[]
  nextCursor: string | null
}

export interface User {
  id: string
  email: string
  name: string
  timeZone: string
}

export interface Session {
  token: string
  expiresAt: string
  user: User
}

export interface FieldError {
  field: string
  message: string
}

export interface Problem {
  type: string
  title: string
  status: number
  detail: string
  errors?: FieldError[]
}

export interface ChatAction {
  tool: string
  arguments: Record<string, unknown>
  result: {
    task?: Task
    items?: Task[]
    deleted?: { id: string; title: string }
    error?: { message: string; fields?: unknown }
    [key: string]: unknown
  }
}

export interface ChatReply {
  conversationId: string
  messageId: string
  reply: string
  actions: ChatAction[]
  saved: boolean
}

export interface ChatMessage {
  id: string
  role: 'user' | 'assistant'
  content: string
  actions: ChatAction[]
  createdAt: string
}

export interface Conversation {
  id: string
  title: string
  createdAt: string
  updatedAt: string
}

export type Actor = 'user' | 'assistant' | 'recurrence' | 'system'

export interface TaskEvent {
  eventId: string
  type: 'task.created.v1' | 'task.updated.v1' | 'task.completed.v1' | 'task.reopened.v1' | 'task.deleted.v1'
  occurredAt: string
  taskId: string
  actor: Actor
  task: Task
  changes?: Record<string, { previous: unknown; current: unknown }>
}

/** A reminder as it fires (schemas/events/reminder.v1.schema.json). */
export interface FiredReminder {
  reminderId: string
  taskId: string
  title: string
  at: string
  dueAt: string | null
  firedAt: string
  missed: boolean
}
