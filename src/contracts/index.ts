// The contracts between pipeline stages: queue names, job defaults and payload schemas.
export * from "./queues.ts";
export * from "./jobs.ts";
export * from "./validate.ts";
