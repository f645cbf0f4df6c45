export { RedisIdempotencyStore, type RedisClientLike, type RedisIdempotencyStoreOptions } from './store.js'
