import { ErrorBody, parseWith } from '@parley/shared';

/**
 * A refused or failed request, with what the operator should read. `code` is the server's stable
 * error code, or `network` / `unexpected` for failures that never produced one.
 */
export class ConsoleApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Reads the shared error body of a non-2xx answer; a 429 says when to try again. */
export async function errorFromResponse(response: Response): Promise<ConsoleApiError> {
  const body = parseWith(ErrorBody, await response.json().catch(() => undefined));
  let message = body?.error.message ?? `The server answered ${response.status}`;
  const retryAfter = Number(response.headers.get('Retry-After'));
  if (response.status === 429 && retryAfter > 0) {
    message += ` (try again in ${retryAfter < 120 ? `${retryAfter} s` : `${Math.ceil(retryAfter / 60)} min`})`;
  }
  return new ConsoleApiError(response.status, body?.error.code ?? 'unexpected', message);
}

/** The message to show for anything a request threw. */
export function messageOf(error: unknown): string {
  if (error instanceof ConsoleApiError) return error.message;
  return 'Something went wrong; try again.';
}
