// Whether live updates are flowing: a dot and a word, announced politely when it changes.
import type { LiveStatus } from '../lib/live'

const WORDS: Record<LiveStatus, string> = { live: 'Live', connecting: 'Connecting…', offline: 'Offline' }

export function ConnectionIndicator({ status, retryIn }: { status: LiveStatus; retryIn?: number }) {
  const title = status === 'live'
    ? 'Changes made anywhere show here at once.'
    : status === 'offline' ? 'Live updates are paused; reconnecting.' : 'Connecting to live updates.'
  return (
    <span className={`connection connection-${status}`} role="status" aria-live="polite" data-testid="connection-status"
      data-state={status} title={title}>
      <span className="dot" aria-hidden="true" />
      {WORDS[status]}{status === 'offline' && retryIn ? `, retrying in ${retryIn} s` : ''}
    </span>
  )
}
