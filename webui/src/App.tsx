// Signed in or not: the session lives in localStorage, and a 401 from any call brings the sign-in back
// (drafts, the task editor's unsaved changes among them, stay in storage, so nothing typed is lost).
import { useState } from 'react'
import { setToken, whenUnauthorized } from './lib/api'
import { loadSession, saveDraft, saveSession, saveValue } from './lib/storage'
import type { Session } from './lib/types'
import { AuthScreen } from './components/AuthScreen'
import { ToastProvider } from './components/Toasts'
import { Workspace } from './components/Workspace'

export function App() {
  const [session, setSession] = useState<Session | null>(() => loadSession())
  const [expired, setExpired] = useState(false)
  setToken(session?.token ?? null)
  whenUnauthorized(() => {
    saveSession(null)
    setToken(null)
    setSession(null)
    setExpired(true)
  })

  function signIn(next: Session) {
    if (session === null) {
      // another person on this browser must not find the last one's conversation
      const last = localStorage.getItem('todo-chatbot.lastUser')
      if (last && last !== next.user.id) forgetPersonalState()
      localStorage.setItem('todo-chatbot.lastUser', next.user.id)
    }
    saveSession(next)
    setToken(next.token)
    setExpired(false)
    setSession(next)
  }

  function signOut() {
    forgetPersonalState()
    saveSession(null)
    setToken(null)
    setExpired(false)
    setSession(null)
  }

  return (
    <ToastProvider>
      {session
        ? <Workspace key={session.user.id} session={session} onSignOut={signOut} />
        : <AuthScreen onSession={signIn} expired={expired} />}
    </ToastProvider>
  )
}

function forgetPersonalState() {
  for (const name of ['chat', 'quickAdd']) saveDraft(name, '')
  for (const name of ['conversation', 'quickAddConversation', 'filters', 'editor']) saveValue(name, null)
}
