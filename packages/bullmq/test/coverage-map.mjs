// `npx tap --coverage-map=packages/bullmq/test/coverage-map.mjs packages/bullmq/test/*.test.ts`
// measures these tests against packages/bullmq/src only (they also load the core, which its own tests cover).
export default () => 'packages/bullmq/src/**'
