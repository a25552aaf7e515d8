// Payload checks at both ends of a queue: strict when adding, and unrecoverable (never retried) when a worker gets a bad one.
import { UnrecoverableError } from "bullmq";
import type { z } from "zod";

export class InvalidPayloadError extends UnrecoverableError {
  override name = "InvalidPayloadError";
}

/** For the producer: a bad payload is a bug in our code, so it throws before anything is queued. */
export function payloadFor<S extends z.ZodType>(schema: S, data: z.input<S>): z.output<S> {
  return schema.parse(data);
}

/**
 * For the worker: a payload that does not match (an old or foreign producer, a hand-edited job)
 * is logged and failed as unrecoverable, so BullMQ never retries it.
 */
export function parsePayload<S extends z.ZodType>(
  schema: S,
  queue: string,
  job: { id?: string | undefined; data: unknown },
  log: { error(obj: object, msg: string): void },
): z.output<S> {
  const parsed = schema.safeParse(job.data);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(payload)"}: ${i.message}`).join("; ");
  log.error({ queue, jobId: job.id, problems }, "invalid job payload: failed without retry");
  throw new InvalidPayloadError(`invalid ${queue} payload (${problems})`);
}
