// `npx tap --coverage-map=packages/redis/test/helpers/coverage-map.mjs packages/redis/test/*.test.ts test/multi-process/*.test.ts`
// measures these tests against packages/redis/src only (they also load the core, which its own tests cover).
export default () => 'packages/redis/src/**'
