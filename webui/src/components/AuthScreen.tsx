// Sign in and create an account. The API checks every field at once; each message goes under its field.
import { useState, type FormEvent } from 'react'
import { api, ApiError } from '../lib/api'
import { allZones, browserZone } from '../lib/time'
import type { Session } from '../lib/types'
import { FieldError, FormError } from './FieldError'

export function AuthScreen({ onSession, expired }: { onSession: (s: Session) => void; expired: boolean }) {
  const [mode, setMode] = useState<'signin' | 'signup'>('signin')
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [name, setName] = useState('')
  const [timeZone, setTimeZone] = useState(browserZone)
  const [error, setError] = useState<ApiError | null>(null)
  const [busy, setBusy] = useState(false)

  async function submit(event: FormEvent) {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      onSession(mode === 'signup'
        ? await api.signUp({ email, password, name, timeZone })
        : await api.signIn({ email, password }))
    } catch (e) {
      if (e instanceof ApiError) setError(e)
      else throw e
    } finally {
      setBusy(false)
    }
  }

  const fieldError = (field: string) => error?.field(field)
  const general = error && error.fieldErrors.length === 0 ? error.problem.detail : null
  const described = (field: string) => (fieldError(field) ? `${field}-error` : undefined)
  const signup = mode === 'signup'

  return (
    <main className="auth">
      <div className="auth-card">
        <h1 className="brand"><span aria-hidden="true">✓</span> todo-chatbot</h1>
        <p className="muted">Your tasks, and an assistant that understands “pay rent every month on the 1st”.</p>
        {expired && (
          <p className="notice" role="status">Your session has ended. Sign in again: what you were typing is kept.</p>
        )}
        <div className="tabs" role="tablist" aria-label="Account">
          <button type="button" role="tab" aria-selected={!signup} onClick={() => { setMode('signin'); setError(null) }}>
            Sign in
          </button>
          <button type="button" role="tab" aria-selected={signup} onClick={() => { setMode('signup'); setError(null) }}>
            Create account
          </button>
        </div>
        <form onSubmit={submit} noValidate aria-label={signup ? 'Create account' : 'Sign in'}
          data-testid={signup ? 'signup-form' : 'signin-form'}>
          {signup && (
            <div className="field">
              <label htmlFor="auth-name">Name</label>
              <input id="auth-name" name="name" autoComplete="name" value={name} required
                onChange={(e) => setName(e.target.value)} aria-invalid={!!fieldError('name')}
                aria-describedby={described('name')} />
              <FieldError id="name-error" message={fieldError('name')} />
            </div>
          )}
          <div className="field">
            <label htmlFor="auth-email">Email</label>
            <input id="auth-email" name="email" type="email" autoComplete="email" value={email} required
              onChange={(e) => setEmail(e.target.value)} aria-invalid={!!fieldError('email')}
              aria-describedby={described('email')} />
            <FieldError id="email-error" message={fieldError('email')} />
          </div>
          <div className="field">
            <label htmlFor="auth-password">Password</label>
            <input id="auth-password" name="password" type="password" required
              autoComplete={signup ? 'new-password' : 'current-password'} value={password}
              onChange={(e) => setPassword(e.target.value)} aria-invalid={!!fieldError('password')}
              aria-describedby={described('password') ?? (signup ? 'password-hint' : undefined)} />
            {signup && !fieldError('password') && <p id="password-hint" className="hint">At least 10 characters, and not a common password: a few words that go together only for you.</p>}
            <FieldError id="password-error" message={fieldError('password')} />
          </div>
          {signup && (
            <div className="field">
              <label htmlFor="auth-zone">Time zone</label>
              <input id="auth-zone" name="timeZone" list="auth-zones" value={timeZone}
                onChange={(e) => setTimeZone(e.target.value)} aria-invalid={!!fieldError('timeZone')}
                aria-describedby={described('timeZone')} />
              <datalist id="auth-zones">{allZones().map((z) => <option key={z} value={z} />)}</datalist>
              <FieldError id="timeZone-error" message={fieldError('timeZone')} />
            </div>
          )}
          <FormError message={general} />
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'One moment…' : signup ? 'Create account' : 'Sign in'}
          </button>
        </form>
      </div>
    </main>
  )
}
