// Node module hooks for lazy-redis.test.ts (registered with --import ./register-resolve-redis.mjs):
// PIOPIY_REDIS_AS=none makes the package `redis` impossible to load (as in an app that has only its own
// client); PIOPIY_REDIS_AS=<package> loads that package instead (redis5: node-redis 5 under the name `redis`).
export async function resolve (specifier, context, next) {
  if (specifier !== 'redis') return await next(specifier, context)
  const as = process.env.PIOPIY_REDIS_AS
  if (as === 'none') throw Object.assign(new Error("Cannot find package 'redis' (hidden by the test)"), { code: 'ERR_MODULE_NOT_FOUND' })
  return await next(as, context)
}
