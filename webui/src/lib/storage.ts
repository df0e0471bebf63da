// What survives a reload: the session, and drafts of what the person was typing (kept when the token
// expires and they have to sign in again): the chat and quick-add lines, and the task editor's unsaved
// changes.
import { useEffect, useState } from 'react'
import type { TaskForm } from './editor'
import type { Session } from './types'

const SESSION_KEY = 'todo-chatbot.session'
const DRAFT_PREFIX = 'todo-chatbot.draft.'

function read(key: string): string | null {
  try {
    return localStorage.getItem(key)
  } catch {
    return null // storage disabled: the app still works, it only forgets on reload
  }
}

function write(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key)
    else localStorage.setItem(key, value)
  } catch {
    // as above
  }
}

/** The stored session, unless it has expired. */
export function loadSession(now: Date = new Date()): Session | null {
  const text = read(SESSION_KEY)
  if (!text) return null
  try {
    const session = JSON.parse(text) as Session
    if (!session.token || new Date(session.expiresAt).getTime() <= now.getTime()) return null
    return session
  } catch {
    return null
  }
}

export function saveSession(session: Session | null): void {
  write(SESSION_KEY, session ? JSON.stringify(session) : null)
}

export function loadDraft(name: string): string {
  return read(DRAFT_PREFIX + name) ?? ''
}

export function saveDraft(name: string, value: string): void {
  write(DRAFT_PREFIX + name, value === '' ? null : value)
}

/** A text state kept in storage under `name` as it changes. */
export function useDraft(name: string): [string, (value: string) => void] {
  const [value, setValue] = useState(() => loadDraft(name))
  useEffect(() => saveDraft(name, value), [name, value])
  return [value, setValue]
}

export function loadValue(name: string): string | null {
  return read(DRAFT_PREFIX + name)
}

export function saveValue(name: string, value: string | null): void {
  write(DRAFT_PREFIX + name, value)
}

/** The task editor's unsaved changes: the task they belong to and only the fields changed. */
export interface EditorDraft {
  taskId: string
  edits: Partial<TaskForm>
}

export function loadEditorDraft(): EditorDraft | null {
  try {
    const draft = JSON.parse(loadValue('editor') ?? 'null') as EditorDraft | null
    return draft && typeof draft.taskId === 'string' && draft.edits && typeof draft.edits === 'object' ? draft : null
  } catch {
    return null
  }
}

export function saveEditorDraft(draft: EditorDraft | null): void {
  saveValue('editor', draft && Object.keys(draft.edits).length > 0 ? JSON.stringify(draft) : null)
}
