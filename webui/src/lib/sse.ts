// Server-sent events as the chat answers them (`event: <name>` then `data: <json>`, a blank line
// between events), read from a fetch body, since EventSource cannot POST or send a bearer token.
import { send } from './api'
import type { ChatAction, ChatReply } from './types'

export interface SseEvent {
  event: string
  data: string
}

/**
 * An incremental parser: feed it text as it arrives, in chunks cut anywhere, and it answers the events
 * completed so far. Follows the WHATWG rules that matter here: CRLF, CR or LF line ends, several
 * `data:` lines joined with "\n", one optional space after the colon, comment lines (`:`) ignored,
 * an event without `event:` named "message", and an event without data not dispatched.
 */
export function createSseParser(): { push(chunk: string): SseEvent[]; end(): SseEvent[] } {
  let buffer = ''
  let event = ''
  let data: string[] = []
  let pendingCr = false

  function line(text: string, out: SseEvent[]) {
    if (text === '') {
      if (data.length > 0) out.push({ event: event || 'message', data: data.join('\n') })
      event = ''
      data = []
      return
    }
    if (text.startsWith(':')) return
    const colon = text.indexOf(':')
    const field = colon < 0 ? text : text.slice(0, colon)
    let value = colon < 0 ? '' : text.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'event') event = value
    else if (field === 'data') data.push(value)
  }

  return {
    push(chunk) {
      const out: SseEvent[] = []
      let text = chunk
      if (pendingCr && text.startsWith('\n')) text = text.slice(1)
      pendingCr = false
      buffer += text
      let start = 0
      for (let i = 0; i < buffer.length; i++) {
        const c = buffer[i]
        if (c === '\n' || c === '\r') {
          line(buffer.slice(start, i), out)
          if (c === '\r') {
            if (i + 1 === buffer.length) pendingCr = true
            else if (buffer[i + 1] === '\n') i++
          }
          start = i + 1
        }
      }
      buffer = buffer.slice(start)
      return out
    },
    end() {
      const out: SseEvent[] = []
      if (buffer !== '') line(buffer, out)
      buffer = ''
      line('', out)
      return out
    },
  }
}

export interface ChatHandlers {
  conversation?(conversationId: string): void
  token?(text: string): void
  action?(action: ChatAction): void
}

/**
 * Says something to the assistant and streams the answer into the handlers; resolves with the `done`
 * object. A stream that ends without `done` was cut off: that rejects, with what arrived kept.
 */
export async function streamChat(
  message: string,
  conversationId: string | null,
  handlers: ChatHandlers,
  idleMs = IDLE_MS,
): Promise<ChatReply> {
  const body: Record<string, string> = { message }
  if (conversationId) body.conversationId = conversationId
  // a stream that goes quiet for too long is given up on, rather than leaving the person waiting forever
  const abort = new AbortController()
  let idle = setTimeout(() => abort.abort(), idleMs)
  const awake = () => {
    clearTimeout(idle)
    idle = setTimeout(() => abort.abort(), idleMs)
  }
  try {
    return await read(await send('POST', '/api/chat', { body, headers: { Accept: 'text/event-stream' }, signal: abort.signal }),
      handlers, awake)
  } catch (e) {
    if (abort.signal.aborted) throw new Error('The assistant stopped answering. What was done above still happened; try again.')
    throw e
  } finally {
    clearTimeout(idle)
  }
}

const IDLE_MS = 90_000

async function read(response: Response, handlers: ChatHandlers, awake: () => void): Promise<ChatReply> {
  if (!(response.headers.get('Content-Type') ?? '').includes('text/event-stream') || !response.body) {
    return (await response.json()) as ChatReply // a server that answered JSON after all
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
  const parser = createSseParser()
  let done: ChatReply | null = null
  const dispatch = (events: SseEvent[]) => {
    for (const e of events) {
      const data = JSON.parse(e.data)
      if (e.event === 'conversation') handlers.conversation?.(data.conversationId)
      else if (e.event === 'token') handlers.token?.(data.text)
      else if (e.event === 'action') handlers.action?.(data as ChatAction)
      else if (e.event === 'done') done = data as ChatReply
    }
  }
  for (;;) {
    const { value, done: ended } = await reader.read()
    if (ended) break
    awake()
    dispatch(parser.push(value))
  }
  dispatch(parser.end())
  if (!done) throw new Error('The answer was cut off before it finished. What was done above still happened.')
  return done
}
