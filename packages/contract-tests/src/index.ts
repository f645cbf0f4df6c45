export { runAdapterContract, PREFIX, WatchedStore, type Harness, type MakeHarness, type Mount, type Tap } from './contract.js'
export { closeServer, recordCallbacks, type Call, type Recorder } from './helpers.js'
export { sampleCallback, findRepoRoot, loadAnswerUrlSample, loadSamples, samplesDir, type AnswerUrlSampleName, type Sample } from './samples.js'
export { runStoreContract, type StoreHarness } from './store-contract.js'
