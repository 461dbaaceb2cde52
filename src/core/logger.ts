import pino from 'pino';
import { currentRequestId } from './request-scope.js';

/**
 * Structured JSON logs. Personal data never goes in: no variables, no member fields, no keys.
 * The redact list is a backstop for anything that slips into a log object by mistake.
 */
export const logger = pino({
  level: process.env.LOG_LEVEL || 'info',
  base: { service: 'ecrm' },
  redact: {
    paths: ['authorization', '*.authorization', 'headers.authorization', 'variables', '*.variables', 'phone', 'email', 'key', '*.key'],
    censor: '[redacted]',
  },
  timestamp: pino.stdTimeFunctions.isoTime,
  mixin: () => {
    const requestId = currentRequestId();
    return requestId ? { requestId } : {};
  },
});

export type Logger = typeof logger;
