// A fault in the page itself: say so and offer a reload instead of leaving a blank screen. Drafts are in
// storage, so a reload loses nothing typed.
import { Component, type ReactNode } from 'react'

export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  state = { error: null as Error | null }

  static getDerivedStateFromError(error: Error) {
    return { error }
  }

  render() {
    if (!this.state.error) return this.props.children
    return (
      <main className="auth">
        <div className="auth-card" role="alert">
          <h1>Something went wrong on this page</h1>
          <p className="muted">{this.state.error.message}</p>
          <p>What you were typing is kept.</p>
          <button type="button" className="primary" onClick={() => location.reload()}>Reload</button>
        </div>
      </main>
    )
  }
}
