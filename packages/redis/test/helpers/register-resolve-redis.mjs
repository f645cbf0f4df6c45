import { register } from 'node:module'
register('./resolve-redis.mjs', import.meta.url)
