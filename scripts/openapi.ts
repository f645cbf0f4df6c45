/**
 * Builds docs/openapi.json: an OpenAPI 3.1 document whose `webhooks` describe what PIOPIY POSTs
 * and what the receiver answers. The request schemas are the core's own TypeBox schemas (the ones
 * Ajv validates with), the examples are the documented samples of @piopiy-webhooks/testing.
 *
 *   npm run openapi      rewrites docs/openapi.json
 *
 * test/openapi.test.ts rebuilds the document in memory and fails when the committed file differs.
 */
import {
  CallEventPayloadSchema, CdrPayloadSchema, StreamEventPayloadSchema, UnknownPayloadSchema
} from '@piopiy-webhooks/core'
import { sampleInfo, samples } from '@piopiy-webhooks/testing'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type JsonObject = { [key: string]: Json }

/** Where the document is written, relative to the repository root. */
export const OPENAPI_FILE = fileURLToPath(new URL('../docs/openapi.json', import.meta.url))

/** A TypeBox schema as plain JSON Schema: its symbol keys and `$id` dropped (components are named by key). */
function plain (schema: object): JsonObject {
  const { $id: _id, ...rest } = JSON.parse(JSON.stringify(schema)) as JsonObject
  return rest
}

const ref = (name: string): JsonObject => ({ $ref: `#/components/schemas/${name}` })

const rejection = (description: string, example: JsonObject, headers?: JsonObject): JsonObject => ({
  description,
  ...(headers === undefined ? {} : { headers }),
  content: { 'application/json': { schema: ref('Rejection'), example } }
})
const failure = (description: string, error: string, headers?: JsonObject): JsonObject => ({
  description,
  ...(headers === undefined ? {} : { headers }),
  content: { 'application/json': { schema: ref('Failure'), example: { error } } }
})

/**
 * Every answer of the core (packages/core/src/answers.ts), by status. A POST can get all but 404 and
 * 405, which are in `components.responses` (see `OTHER_RESPONSES`).
 */
const POST_RESPONSES: Record<string, JsonObject> = {
  200: {
    description: 'Accepted: the callbacks of this notification ran and resolved; or a duplicate of one already processed ' +
      '(`"duplicate": true`, no callback runs). A copy that arrives while the first is still running waits for it and answers the same.',
    content: {
      'application/json': {
        schema: ref('Accepted'),
        examples: { processed: { value: { ok: true } }, duplicate: { value: { ok: true, duplicate: true } } }
      }
    }
  },
  400: rejection('Empty body, malformed JSON, JSON that is not an object, or a schema violation. `onInvalid` is told.',
    { error: 'Bad Request', reasons: ['duration: must be a number (got string "13")'] }),
  401: rejection('`auth.token` or `auth.basic` is configured and the request carries no credential. `onInvalid` is told.',
    { error: 'Unauthorized', reasons: ['token: missing (send it as ?token= or the x-webhook-token header)'] },
    { 'WWW-Authenticate': { description: 'Sent when `auth.basic` is configured and the credentials are missing: `Basic realm="piopiy-webhooks", charset="UTF-8"`.', schema: { type: 'string' } } }),
  403: rejection('A wrong token or wrong basic credentials, a client address outside `auth.allowIps`, or an app id outside `auth.appIds`. `onInvalid` is told.',
    { error: 'Forbidden', reasons: ['token: does not match'] }),
  408: rejection('The whole body did not arrive within `bodyTimeoutMs` (10 s by default). The connection is closed after the answer; `onInvalid` gets what arrived.',
    { error: 'Request Timeout', reasons: ['body: not received within bodyTimeoutMs (10000 ms)'] }),
  413: rejection('The body is larger than `bodyLimit` (64 KiB by default; a compressed body is measured inflated) or than a framework body parser\'s own limit, or declares a `Content-Length` over it (answered at once, unread). The connection is closed after the answer. `onInvalid` gets the first `bodyLimit` bytes that were read.',
    { error: 'Payload Too Large', reasons: ['body: larger than bodyLimit (65536 bytes)'] }),
  415: rejection('A content-type is present and is none of `application/json`, `application/*+json`, `text/plain` (with a charset `TextDecoder` knows), an unknown charset, or an unknown `Content-Encoding`. A missing content-type is accepted. `onInvalid` is told.',
    { error: 'Unsupported Media Type', reasons: ["content-type: 'application/xml' is not accepted (send application/json)"] }),
  500: failure('A callback threw (or rejected). The dedupe claim is released, so the platform\'s next retry runs the callbacks again. `onError` is told; nothing internal is leaked.',
    'Internal Server Error'),
  503: failure('A callback is still running after `handlerTimeoutMs` (its claim is kept until it settles), the idempotency store failed, ' +
    'or another process holds the claim of this notification. The platform\'s next retry is processed.',
  'Service Unavailable', { 'Retry-After': { description: 'Seconds: always `300`, the platform\'s first retry interval.', schema: { type: 'string', const: '300' } } })
}

/** Answers the POST of a notification never gets; the receiver gives them on its path. */
const OTHER_RESPONSES: Record<string, JsonObject> = {
  NotFound: {
    description: '404: only from `receiver.handle()` called directly with a path that is not the receiver\'s; the framework adapters pass other paths on to your app.',
    content: { 'application/json': { schema: ref('Failure'), example: { error: 'Not Found' } } }
  },
  MethodNotAllowed: {
    description: '405: any method but POST on the webhook path. No callback runs and `onInvalid` is not told.',
    headers: { Allow: { description: 'Always `POST`.', schema: { type: 'string', const: 'POST' } } },
    content: { 'application/json': { schema: ref('Failure'), example: { error: 'Method Not Allowed' } } }
  }
}

/** The statuses named in the document, for the test that compares them with the core. */
export const RESPONSE_STATUSES = { post: Object.keys(POST_RESPONSES).map(Number), NotFound: 404, MethodNotAllowed: 405 } as const

interface Hook { kind: 'cdr' | 'event' | 'stream' | 'unknown', schema: string, summary: string, description: string }

const HOOKS: readonly Hook[] = [
  {
    kind: 'cdr',
    schema: 'Cdr',
    summary: 'Call detail record (CDR)',
    description: 'Sent when a call leg ends: inbound or outbound, answered or missed, leg a or leg b. The platform resends each CDR ' +
      'up to 4 times (at once, then +5, +15 and +30 min); the receiver runs your callback once per ' +
      '`cdr:<appid>:<direction>:<status>:<leg>:<cmiuuid>`. Classified as a CDR when `type` is `cdr`, or, without `type`, when ' +
      '`status` is `answered`/`missed` and `duration` is present. Callbacks: `onInboundAnswered`, `onInboundMissed`, ' +
      '`onOutboundAnswered`, `onOutboundMissed`, then `onNotification`.'
  },
  {
    kind: 'event',
    schema: 'CallEvent',
    summary: 'Live call event',
    description: 'Sent while a call runs (`in_answered`, `out_started`, `out_answered`, `out_bridged`, `hangup`, `started`, `ringing`, ' +
      '`answered`). Classified as an event when `type` is `event`, or, without `type`, when `status` starts with `in_`/`out_` or is ' +
      '`hangup`, `started` or `ringing`. Callbacks: `onCallEvent`, then `onNotification`.'
  },
  {
    kind: 'stream',
    schema: 'StreamEvent',
    summary: 'AI stream event',
    description: 'Sent when the AI media stream connects or disconnects (`stream_connected`, `STREAM_DISCONNECTED`; any case), with ' +
      '`ws_status` as a JSON string. Callbacks: `onStreamEvent`, then `onNotification`.'
  },
  {
    kind: 'unknown',
    schema: 'OtherNotification',
    summary: 'Any other notification that names a call',
    description: 'A JSON object with a `cmiuuid` (or `cmuuid`) that is none of the kinds above: acknowledged with 200, logged at info ' +
      'and passed to `onNotification` as `kind: \'unknown\'`.'
  }
]

/** What validate.ts checks beside each kind's schema: a call id always, an app id for every known kind. */
const HAS_CALL_ID = { type: 'object', description: 'cmiuuid, or its cmuuid spelling, is required.', anyOf: [{ required: ['cmiuuid'] }, { required: ['cmuuid'] }] }
const HAS_APP_ID = { type: 'object', description: 'appid, or its app_id spelling, is required.', anyOf: [{ required: ['appid'] }, { required: ['app_id'] }] }

function examplesOf (kind: Hook['kind']): JsonObject | undefined {
  const entries = sampleInfo.filter(info => info.kind === kind)
  if (entries.length === 0) return undefined
  return Object.fromEntries(entries.map(info => [info.name, {
    summary: `${info.title} (${info.code})`,
    description: `Printed on ${info.url}${info.reconstructed === undefined ? '' : `; ${info.reconstructed}`}.`,
    value: samples[info.name] as unknown as Json
  }]))
}

function operation (hook: Hook): JsonObject {
  const examples = examplesOf(hook.kind)
  const schema = { allOf: [ref(hook.schema), ref('HasCallId'), ...(hook.kind === 'unknown' ? [] : [ref('HasAppId')])] }
  return {
    post: {
      operationId: `piopiy-${hook.kind}`,
      summary: hook.summary,
      description: hook.description,
      tags: ['piopiy'],
      security: [{ tokenQuery: [] }, { tokenHeader: [] }, { basic: [] }, {}],
      requestBody: {
        required: true,
        description: 'JSON. Also accepted: `application/*+json`, `text/plain` (any charset) and no content-type at all.',
        content: { 'application/json': { schema, ...(examples === undefined ? {} : { examples }) } }
      },
      responses: POST_RESPONSES
    }
  }
}

function coreVersion (): string {
  const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../packages/core/package.json', import.meta.url)), 'utf8')) as { version: string }
  return pkg.version
}

/** The whole document. */
export function buildOpenApi (): JsonObject {
  return {
    openapi: '3.1.0',
    info: {
      title: 'PIOPIY (TeleCMI) webhooks, as received by piopiy-webhooks',
      version: coreVersion(),
      summary: 'What PIOPIY POSTs to your webhook URL, and what the receiver answers.',
      description: 'Generated from the schemas of @piopiy-webhooks/core by `npm run openapi`; do not edit by hand. ' +
        'Every kind arrives on the same URL (`POST /webhook/cdr` by default, the `path` option); the receiver classifies it. ' +
        'The field map, with the records your callbacks receive, is docs/fields.md; the status table is docs/http.md.',
      license: { name: 'MIT', identifier: 'MIT' }
    },
    tags: [{ name: 'piopiy', description: 'Notifications PIOPIY sends to the webhook URL set in its dashboard.' }],
    webhooks: Object.fromEntries(HOOKS.map(hook => [hook.kind, operation(hook)])),
    components: {
      schemas: {
        Cdr: plain(CdrPayloadSchema),
        CallEvent: plain(CallEventPayloadSchema),
        StreamEvent: plain(StreamEventPayloadSchema),
        OtherNotification: plain(UnknownPayloadSchema),
        HasCallId: HAS_CALL_ID,
        HasAppId: HAS_APP_ID,
        Accepted: {
          type: 'object',
          required: ['ok'],
          properties: { ok: { const: true }, duplicate: { const: true, description: 'Present when this copy was a duplicate and no callback ran.' } },
          additionalProperties: false
        },
        Rejection: {
          type: 'object',
          required: ['error', 'reasons'],
          properties: {
            error: { type: 'string', description: 'The status text, e.g. `Bad Request`.' },
            reasons: { type: 'array', items: { type: 'string' }, description: 'What was wrong, one `<field>: <problem>` per item.' }
          },
          additionalProperties: false
        },
        Failure: {
          type: 'object',
          required: ['error'],
          properties: { error: { type: 'string', description: 'The status text only: never a stack or an internal message.' } },
          additionalProperties: false
        }
      },
      responses: OTHER_RESPONSES,
      securitySchemes: {
        tokenQuery: { type: 'apiKey', in: 'query', name: 'token', description: '`auth: { token }`: the secret in the webhook URL set in the PIOPIY dashboard (`auth.token.query` renames the parameter).' },
        tokenHeader: { type: 'apiKey', in: 'header', name: 'x-webhook-token', description: '`auth: { token }`: the same secret in a header (`auth.token.header` renames it); checked before the query parameter.' },
        basic: { type: 'http', scheme: 'basic', description: '`auth: { basic: { username, password } }`.' }
      }
    }
  }
}

/** The file's exact text: two-space JSON and a final newline. */
export const renderOpenApi = (): string => `${JSON.stringify(buildOpenApi(), null, 2)}\n`
