export { runAdapterContract, PREFIX, type Harness, type MakeHarness, type Mount, type Tap } from './contract.js'
export { callbackOf, findRepoRoot, loadSamples, samplesDir, type KindCallback, type Sample } from './samples.js'
