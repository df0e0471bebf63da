// A task as the API answers one, for tests.
import type { Task } from './types'

export function aTask(over: Partial<Task> = {}): Task {
  return {
    id: over.id ?? '00000000-0000-4000-8000-000000000001',
    title: 'Send the quarterly report',
    description: null,
    status: 'open',
    priority: 'none',
    tags: [],
    dueAt: null,
    timeZone: 'Europe/Paris',
    allDay: false,
    createdAt: '2026-11-20T08:00:00Z',
    updatedAt: '2026-11-20T08:00:00Z',
    completedAt: null,
    version: 1,
    recurrence: null,
    seriesId: null,
    occurrence: null,
    reminders: [],
    ...over,
  }
}
