// Server-sent events over fetch(): EventSource cannot send the Authorization header that
// GET /notifications/stream needs (docs/ui.md, "Notifications, live"). Parses the
// text/event-stream format, reconnects after `retry:` with Last-Event-ID, stops on 401/403.
import { apiHeaders } from './api.js';

export interface StreamEvent {
  event: string;
  id: string | null;
  data: string;
}

export interface EventStreamHandle {
  close(): void;
}

export function openEventStream(path: string, onEvent: (e: StreamEvent) => void, onState?: (state: 'open' | 'retrying' | 'closed') => void): EventStreamHandle {
  let closed = false;
  let lastId: string | null = null;
  let retryMs = 3_000;
  let controller: AbortController | null = null;

  async function connect(): Promise<void> {
    while (!closed) {
      controller = new AbortController();
      try {
        const res = await fetch(path, { headers: apiHeaders(lastId ? { 'last-event-id': lastId, accept: 'text/event-stream' } : { accept: 'text/event-stream' }), signal: controller.signal, cache: 'no-store' });
        if (res.status === 401 || res.status === 403 || res.status === 404) {
          closed = true;
          onState?.('closed');
          return;
        }
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        onState?.('open');
        await read(res.body);
      } catch (err) {
        if (closed) return;
        if ((err as Error).name === 'AbortError') return;
      }
      if (closed) return;
      onState?.('retrying');
      await new Promise((r) => setTimeout(r, retryMs));
    }
  }

  async function read(body: ReadableStream<Uint8Array>) {
    const reader = body.pipeThrough(new TextDecoderStream() as unknown as ReadableWritablePair<string, Uint8Array>).getReader();
    let buffer = '';
    let event = 'message';
    let data: string[] = [];
    let id: string | null = null;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let nl: number;
      while ((nl = buffer.search(/\r\n|\r|\n/)) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + (buffer.startsWith('\r\n', nl) ? 2 : 1));
        if (line === '') {
          if (data.length > 0) {
            if (id !== null) lastId = id;
            onEvent({ event, id, data: data.join('\n') });
          }
          event = 'message';
          data = [];
          id = null;
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const fieldName = colon < 0 ? line : line.slice(0, colon);
        const fieldValue = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (fieldName === 'event') event = fieldValue;
        else if (fieldName === 'data') data.push(fieldValue);
        else if (fieldName === 'id') id = fieldValue;
        else if (fieldName === 'retry' && /^\d+$/.test(fieldValue)) retryMs = Number(fieldValue);
      }
    }
  }

  void connect();
  return {
    close() {
      closed = true;
      controller?.abort();
      onState?.('closed');
    },
  };
}
