/** The sinks `audit.checkpointSink` configures (none, a file, a webhook, or both). */
import type { Config } from '../config/load-config.js';
import type { CheckpointSink } from './checkpoint-sink.js';
import { fileSink } from './checkpoint-file.js';
import { webhookSink, type WebhookOptions } from './webhook-sink.js';

export function checkpointSinks(
  settings: Config['audit']['checkpointSink'],
  webhook: WebhookOptions = {},
): CheckpointSink[] {
  return [
    ...(settings.file === null ? [] : [fileSink(settings.file)]),
    ...(settings.webhook === null ? [] : [webhookSink(settings.webhook, webhook)]),
  ];
}
