// What the HTTP benchmark measures (data only, shared by bench/http.mjs and bench/report.mjs).
// To add an adapter: one line in FRAMEWORKS, and its two servers (`<bare>` and `<adapter>`) in bench/server.mjs.

/**
 * Each framework's bare JSON route and our adapter on the same framework. `target` is the least
 * bare/adapter ratio of server CPU per request that counts as met (issue 16); `group` is the set of servers
 * whose rounds interleave (a framework's own by default).
 */
export const FRAMEWORKS = [
  { framework: 'fastify', bare: 'fastify-bare', adapter: 'fastify-adapter', target: 0.80 },
  { framework: 'express', bare: 'express-bare', adapter: 'express-adapter', target: 1.15 },
  { framework: 'koa', bare: 'koa-bare', adapter: 'koa-adapter', target: 0.95 },
  { framework: 'hono', bare: 'hono-bare', adapter: 'hono-adapter', target: 0.80 }
]

/**
 * Servers measured in the rounds of a framework's group, as references. `compare` pairs a peer with an
 * adapter in each round: adapter CPU per request / the peer's, at most `atMost` to count as met.
 */
export const PEERS = [
  { id: 'node', label: 'node:http: reads the body, JSON.parse, answers (the ceiling)', group: 'fastify' },
  {
    id: 'octokit',
    label: "@octokit/webhooks' createNodeMiddleware on node:http: HMAC verify, JSON parse, dispatch to an async handler",
    group: 'fastify',
    compare: { adapter: 'fastify-adapter', atMost: 0.8 }
  }
]

/** The secret of the octokit server's HMAC (the load generator signs every request with it). */
export const OCTOKIT_SECRET = 'bench-secret'

/** Other targets: in-process ratios to JSON.parse of the same bytes, and start-up CPU. */
export const CORE_TARGETS = { parseVsJsonParse: 1.8, handleVsJsonParse: 3, startupCpuMs: 60, bytesPerKey: 250 }
/** The long-run goal of issue 16: every adapter at least this share of its bare route's speed (bare / adapter CPU). */
export const LONG_RUN_GOAL = 0.95
