// Body reading with a hard limit: past the limit we stop collecting and let the rest drain into nothing,
// instead of buffering whatever a client sends (destroying the socket would also lose our 413 answer).
import type { IncomingMessage } from 'node:http';
import { ServiceError, serviceError } from '../errors.ts';

const EMPTY = Buffer.alloc(0);

/**
 * The request body, up to `limitBytes`. `headers` (lowercase names), when the caller has them, lets a request
 * that declares no body be answered without waiting for the stream's end.
 */
export function readBody(
  req: IncomingMessage,
  limitBytes: number,
  headers: Record<string, string> = req.headers as Record<string, string>,
): Promise<Buffer> {
  const declared = headers['content-length'];
  if ((declared === undefined || declared === '0') && headers['transfer-encoding'] === undefined) {
    req.resume();
    return Promise.resolve(EMPTY);
  }
  if (declared !== undefined && Number(declared) > limitBytes) {
    req.resume();
    return Promise.reject(tooLarge(limitBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        cleanup();
        req.resume();
        reject(tooLarge(limitBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new ServiceError('InvalidHTTPRequest', `The request body could not be read: ${error.message}`));
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

function tooLarge(limitBytes: number): ServiceError {
  return serviceError('EntityTooLarge', `The request body is larger than the limit of ${limitBytes} bytes.`);
}
