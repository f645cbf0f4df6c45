export { enqueueTo, type EnqueueOptions, type EnqueueReceiverOptions, type QueueLike } from './enqueue.js'
export { createPiopiyWorker, type PiopiyJob, type PiopiyWorkerCallbacks, type PiopiyWorkerOptions } from './worker.js'
export type { PiopiyJobData } from './job-data.js'
export { jobIdOf, keyOfJobId } from './job-id.js'
