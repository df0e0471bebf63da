// A problem the API reported about one field, shown under it and tied to it for screen readers.
export function FieldError({ id, message }: { id: string; message?: string }) {
  if (!message) return null
  return <p id={id} className="field-error" role="alert">{message}</p>
}

/** The problem's detail, for errors that belong to no single field. */
export function FormError({ message }: { message?: string | null }) {
  if (!message) return null
  return <p className="form-error" role="alert">{message}</p>
}
