/**
 * The search text worker's thread (searchable-text-worker.ts): one recording at a time, its
 * searchable text read and cut here, off the relay's thread.
 */
import { parentPort } from 'node:worker_threads';
import { errorMessage } from '../core/errors.js';
import { searchableText } from './searchable-text.js';
import type { TextReply, TextRequest } from './searchable-text-worker.js';

const port = parentPort;
if (port === null) throw new Error('searchable-text-thread: not a worker thread');

port.on('message', (request: TextRequest) => {
  searchableText(request.path).then(
    (text) => port.postMessage({ id: request.id, text } satisfies TextReply),
    (err: unknown) =>
      port.postMessage({ id: request.id, problem: errorMessage(err) } satisfies TextReply),
  );
});
