// Errors node's HTTP parser raises before fastify sees a request (headers too
// large, malformed request line, ...). Node would answer them with a bare status
// line; the API answers them with its usual JSON error body.
import type { Socket } from 'node:net';
import type { ApiErrorCode } from '../errors';

const REASONS: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };

export function statusOfClientError(code: string | undefined): { status: number; code: ApiErrorCode; message: string } {
  if (code === 'HPE_HEADER_OVERFLOW') return { status: 431, code: 'headers_too_large', message: 'request headers are larger than the server accepts' };
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, code: 'request_timeout', message: 'the request was not received in time' };
  return { status: 400, code: 'bad_request', message: 'malformed HTTP request' };
}

export function answerClientError(err: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const { status, code, message } = statusOfClientError(err.code);
  const body = JSON.stringify({ error: { code, message } });
  socket.end(`HTTP/1.1 ${status} ${REASONS[status]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}
