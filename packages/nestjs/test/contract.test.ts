// The shared HTTP contract, through real Nest apps on both platforms. Mounts, in Nest terms:
// - root: `NestFactory.create()`: the webhook is mounted before Nest's body parsers;
// - prefix: the same, with `path` under the prefix (Nest's global prefix is for its controllers);
// - after-body-parser: an e2e-style testing module, whose HTTP adapter comes after the providers:
//   the webhook is mounted after Nest's JSON parser.
import { PREFIX, runAdapterContract } from '@piopiy-webhooks/contract-tests'
import t from 'tap'
import { PiopiyModule } from '../src/index.js'
import { platforms, startApp } from './helpers.js'

for (const platform of platforms) {
  void runAdapterContract(t, `nestjs on ${platform}`, async (options, mount) => {
    // Nest has no prefix for middleware: every mounted path is put under it
    const path = mount === 'prefix'
      ? { path: PREFIX + (options.path ?? '/webhook/cdr'), answerPath: PREFIX + (options.answerPath ?? '/webhook/answer'), actionPath: PREFIX + (options.actionPath ?? '/webhook/action') }
      : {}
    const { origin, close } = await startApp(platform, [PiopiyModule.forRoot({ ...options, ...path })], { testing: mount === 'after-body-parser' })
    return { url: origin + (mount === 'prefix' ? PREFIX : ''), close }
  })
}
