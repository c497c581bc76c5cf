// The admin API as the page calls it: the token kept for this tab only (sessionStorage).
const TOKEN_KEY = "cinemaabyss-admin-token";

export const savedToken = (): string | null => sessionStorage.getItem(TOKEN_KEY);
export const saveToken = (token: string): void => sessionStorage.setItem(TOKEN_KEY, token);
export const forgetToken = (): void => sessionStorage.removeItem(TOKEN_KEY);

export class Unauthorized extends Error {}

/** Calls the admin API with the saved token; throws Unauthorized on 401 and the error's message otherwise. */
export async function adminCall<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: { authorization: `Bearer ${savedToken() ?? ""}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (response.status === 401) throw new Unauthorized("the admin API refused the token");
  const text = await response.text();
  if (!response.ok) {
    let message = text.slice(0, 200);
    try {
      message = (JSON.parse(text) as { error?: string }).error ?? message;
    } catch {
      // not JSON: the start of the body
    }
    throw new Error(`${response.status}: ${message}`);
  }
  return (text ? JSON.parse(text) : undefined) as T;
}

export interface StreamEvent {
  event: string;
  data: string;
}

/**
 * Reads the admin listener's server-sent events with the token in a header (EventSource cannot send
 * one), calling onEvent per event until the stream ends or the signal aborts.
 */
export async function readStream(path: string, signal: AbortSignal, onEvent: (e: StreamEvent) => void): Promise<void> {
  const response = await fetch(path, { headers: { authorization: `Bearer ${savedToken() ?? ""}`, accept: "text/event-stream" }, signal });
  if (response.status === 401) throw new Unauthorized("the admin API refused the token");
  if (!response.ok || !response.body) throw new Error(`stream: ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = "message";
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      onEvent({ event, data: data.join("\n") });
    }
  }
}
