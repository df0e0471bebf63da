import { afterEach, describe, expect, it, vi } from 'vitest'
import { createSseParser, streamChat } from './sse'

describe('SSE parser', () => {
  it('reads events cut anywhere across chunks', () => {
    const text = 'event: conversation\ndata: {"conversationId":"c1"}\n\nevent: token\ndata: {"text":"Hel"}\n\n'
    const parser = createSseParser()
    const events = [...text].flatMap((ch) => parser.push(ch))
    expect(events).toEqual([
      { event: 'conversation', data: '{"conversationId":"c1"}' },
      { event: 'token', data: '{"text":"Hel"}' },
    ])
  })

  it('joins data lines, ignores comments, accepts CRLF and a CR split from its LF', () => {
    const parser = createSseParser()
    expect(parser.push(': keep-alive\r\nevent: token\r\ndata: a\r\ndata:b\r')).toEqual([])
    expect(parser.push('\n\r\n')).toEqual([{ event: 'token', data: 'a\nb' }])
  })

  it('names an event without a name "message" and drops one without data', () => {
    const parser = createSseParser()
    expect(parser.push('event: nothing\n\ndata: x\n\n')).toEqual([{ event: 'message', data: 'x' }])
  })

  it('dispatches a last event that the stream ended without a blank line', () => {
    const parser = createSseParser()
    expect(parser.push('event: done\ndata: {}')).toEqual([])
    expect(parser.end()).toEqual([{ event: 'done', data: '{}' }])
  })
})

function streamed(...chunks: string[]): Response {
  const encoder = new TextEncoder()
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      chunks.forEach((c) => controller.enqueue(encoder.encode(c)))
      controller.close()
    },
  })
  return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream; charset=utf-8' } })
}

describe('streamChat', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('hands each event over as it comes and resolves with done', async () => {
    const action = { tool: 'add_task', arguments: { title: 'Pay rent' }, result: { task: { id: 't1' } } }
    const done = { conversationId: 'c1', messageId: 'm1', reply: 'Added.', actions: [action], saved: true }
    const fetch = vi.fn(async () => streamed('event: conversation\ndata: {"conversationId":"c1"}\n\nevent: act',
      `ion\ndata: ${JSON.stringify(action)}\n\nevent: token\ndata: {"text":"Added."}\n\n`,
      `event: done\ndata: ${JSON.stringify(done)}\n\n`))
    vi.stubGlobal('fetch', fetch)
    const seen: string[] = []
    const reply = await streamChat('add Pay rent', null, {
      conversation: (id) => seen.push(`conversation ${id}`),
      action: (a) => seen.push(`action ${a.tool}`),
      token: (t) => seen.push(`token ${t}`),
    })
    expect(seen).toEqual(['conversation c1', 'action add_task', 'token Added.'])
    expect(reply).toEqual(done)
    const [, init] = fetch.mock.calls[0] as unknown as [string, RequestInit]
    expect((init.headers as Record<string, string>).Accept).toBe('text/event-stream')
    expect(JSON.parse(String(init.body))).toEqual({ message: 'add Pay rent' })
  })

  it('gives up on a stream that goes quiet', async () => {
    vi.stubGlobal('fetch', vi.fn(async (_url: string, init: RequestInit) => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('event: conversation\ndata: {"conversationId":"c1"}\n\n'))
          init.signal!.addEventListener('abort', () => controller.error(new DOMException('aborted', 'AbortError')))
        },
      })
      return new Response(body, { headers: { 'Content-Type': 'text/event-stream' } })
    }))
    await expect(streamChat('hi', null, {}, 50)).rejects.toThrow(/stopped answering/)
  })

  it('rejects a stream cut off before done', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => streamed('event: token\ndata: {"text":"Add"}\n\n')))
    await expect(streamChat('hi', 'c1', {})).rejects.toThrow(/cut off/)
  })
})
