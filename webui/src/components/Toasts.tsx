// Short messages at the bottom of the screen: what just happened, with an undo where there is one, and
// reminders as they fire (kept until dismissed).
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react'

export interface ToastAction {
  label: string
  run: () => void
}

export interface Toast {
  id: number
  message: string
  tone?: 'info' | 'error' | 'reminder'
  actions?: ToastAction[]
  /** ms before it goes by itself; 0 keeps it until dismissed */
  timeout?: number
}

interface Toasts {
  show(toast: Omit<Toast, 'id'>): number
  dismiss(id: number): void
}

const ToastContext = createContext<Toasts>({ show: () => 0, dismiss: () => {} })

export function useToasts(): Toasts {
  return useContext(ToastContext)
}

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([])
  const next = useRef(1)
  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((t) => t.id !== id)), [])
  const show = useCallback((toast: Omit<Toast, 'id'>) => {
    const id = next.current++
    setToasts((all) => [...all.slice(-4), { ...toast, id }])
    const timeout = toast.timeout ?? (toast.tone === 'reminder' ? 0 : 6000)
    // it stays while the pointer or the focus is on it (reaching for Undo), then goes after a moment
    const expire = () => {
      if (document.querySelector(`[data-toast-id="${id}"]:is(:hover, :focus-within)`)) setTimeout(expire, 1500)
      else dismiss(id)
    }
    if (timeout > 0) setTimeout(expire, timeout)
    return id
  }, [dismiss])
  const value = useMemo(() => ({ show, dismiss }), [show, dismiss])
  return (
    <ToastContext.Provider value={value}>
      {children}
      <section className="toasts" aria-label="Notifications" data-testid="toasts">
        <div role="status" aria-live="polite">
          {toasts.map((toast) => (
            <div key={toast.id} className={`toast toast-${toast.tone ?? 'info'}`} data-testid="toast" data-toast-id={toast.id}>
              <p>{toast.message}</p>
              {toast.actions?.map((action) => (
                <button key={action.label} type="button" className="link-button"
                  onClick={() => { action.run(); dismiss(toast.id) }}>{action.label}</button>
              ))}
              <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismiss(toast.id)}>×</button>
            </div>
          ))}
        </div>
      </section>
    </ToastContext.Provider>
  )
}
