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
  AnswerRequestSchema, CallEventPayloadSchema, CdrPayloadSchema, DtmfRequestSchema, FALLBACK_TEXT, PCMO_ACTION_SCHEMAS, PcmoSchema, pcmo,
  StreamEventPayloadSchema, UnknownPayloadSchema
} from '@piopiy-webhooks/core'
import { callControlSamples, sampleInfo, samples } from '@piopiy-webhooks/testing'
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

/** The flow an IVR's answer URL answers, and the `fallback` flow a failing callback gets (the default one). */
const MENU = pcmo().speak('Press 1 for sales, or 2 for support.').input({ actionUrl: 'https://example.com/webhook/action', maxDigit: 1, timeout: 10 })
const TO_SALES = pcmo().speak('Connecting you to sales.').bridge('440000000000', { from: '19170000000', timeout: 30 })
export const FALLBACK_FLOW = pcmo().speak(FALLBACK_TEXT).hangup().toJSON()

const flowAnswer = (flow: JsonObject): JsonObject => ({
  description: 'The call flow the platform runs next: what `onAnswer`/`onDtmf` returned, checked against the PCMO schemas. When the ' +
    'callback throws, runs past `callControlTimeoutMs` (5 s by default) or returns an invalid flow, the `fallback` flow instead ' +
    '(by default a short spoken apology, then `hangup`), and `onError` is told (`CALLBACK_FAILED`, `CALLBACK_TIMEOUT`, `INVALID_PCMO`): never silence ' +
    'on the line. No dedupe: every request gets its flow.',
  content: { 'application/json': { schema: ref('Pcmo'), examples: { flow: { value: flow }, fallback: { value: FALLBACK_FLOW as unknown as Json } } } }
})

/** The answers of the answer URL and action URL: the flow, the same 4xx as a notification (the store and the 503 play no part), 500 only for an unreadable request. */
const callControlResponses = (flow: JsonObject, badRequest: string): Record<string, JsonObject> => ({
  200: flowAnswer(flow),
  400: rejection('Empty body, malformed JSON, JSON that is not an object, or a schema violation of the request. `onInvalid` is told.',
    { error: 'Bad Request', reasons: [badRequest] }),
  401: POST_RESPONSES[401] as JsonObject,
  403: rejection('A wrong token or wrong basic credentials, a client address outside `auth.allowIps`, or (only when the body carries one) an app id outside `auth.appIds`. `onInvalid` is told.',
    { error: 'Forbidden', reasons: ['token: does not match'] }),
  408: POST_RESPONSES[408] as JsonObject,
  413: POST_RESPONSES[413] as JsonObject,
  415: POST_RESPONSES[415] as JsonObject,
  500: failure('Never for a callback (a failing one gets the fallback flow): only when the request itself could not be read (the client went away) or an internal fault.',
    'Internal Server Error')
})
const ANSWER_RESPONSES = callControlResponses(MENU.toJSON() as unknown as JsonObject, 'time: has an unexpected format (got string "noon")')
const ACTION_RESPONSES = callControlResponses(TO_SALES.toJSON() as unknown as JsonObject, 'dtmf: has an unexpected format (got string "one")')

/** The statuses named in the document, for the test that compares them with the core. */
export const RESPONSE_STATUSES = {
  post: Object.keys(POST_RESPONSES).map(Number),
  callControl: Object.keys(ANSWER_RESPONSES).map(Number),
  NotFound: 404,
  MethodNotAllowed: 405
} as const

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

/** What a webhook's POST has beside its own parts: the auth schemes and the content-types the core accepts. */
interface PostParts { id: string, tag: string, summary: string, description: string, schema: JsonObject, examples: JsonObject | undefined, responses: JsonObject }
function postOperation ({ id, tag, summary, description, schema, examples, responses }: PostParts): JsonObject {
  return {
    post: {
      operationId: `piopiy-${id}`,
      summary,
      description,
      tags: [tag],
      security: [{ tokenQuery: [] }, { tokenHeader: [] }, { basic: [] }, {}],
      requestBody: {
        required: true,
        description: 'JSON. Also accepted: `application/*+json`, `text/plain` (any charset) and no content-type at all.',
        content: { 'application/json': { schema, ...(examples === undefined ? {} : { examples }) } }
      },
      responses
    }
  }
}

function operation (hook: Hook): JsonObject {
  const schema = { allOf: [ref(hook.schema), ref('HasCallId'), ...(hook.kind === 'unknown' ? [] : [ref('HasAppId')])] }
  return postOperation({ id: hook.kind, tag: 'piopiy', summary: hook.summary, description: hook.description, schema, examples: examplesOf(hook.kind), responses: POST_RESPONSES })
}

interface CallControlRoute { name: 'answer' | 'action', schema: string, summary: string, description: string, samples: Array<keyof typeof callControlSamples>, responses: Record<string, JsonObject> }

const CALL_CONTROL: readonly CallControlRoute[] = [
  {
    name: 'answer',
    schema: 'AnswerRequest',
    summary: 'Answer URL: a call starts',
    description: 'POSTed to the answer URL set in the PIOPIY dashboard when a call arrives (or an API call is made), on `answerPath` ' +
      '(`/webhook/answer` by default; mounted when `onAnswer` is given). Validated and normalized like a notification (`from`/`to` as strings, ' +
      '`time` as a Date, `cmiuuid` or `cmuuid`); `onAnswer(call, ctx)` returns the flow. The global docs send `action: \'inbound\'`; the India docs omit it.',
    samples: ['piopiy.answer_url.request.inbound', 'piopiy-india.answer_url.request'],
    responses: ANSWER_RESPONSES
  },
  {
    name: 'action',
    schema: 'DtmfRequest',
    summary: 'Action URL: the digits an input collected',
    description: 'POSTed to the `action_url` of an `input` or `play_get_input` action with the digits pressed, on `actionPath` (`/webhook/action` ' +
      'by default; mounted when `onDtmf` is given). `dtmf` reaches `onDtmf(input, ctx)` as a string; after a `param` action, its text arrives as ' +
      '`extra_params`. The documented sample spells the call id `cmuuid`.',
    samples: ['piopiy.action_url.dtmf'],
    responses: ACTION_RESPONSES
  }
]

function callControlOperation (route: CallControlRoute): JsonObject {
  const examples = Object.fromEntries(route.samples.map(name => [name, {
    summary: name.startsWith('piopiy-india') ? 'As printed in the India docs' : 'As printed in the global docs',
    value: callControlSamples[name] as unknown as Json
  }]))
  const schema = { allOf: [ref(route.schema), ref('HasCallId')] }
  return postOperation({ id: route.name, tag: 'call-control', summary: route.summary, description: route.description, schema, examples, responses: route.responses })
}

/** The PCMO action schemas by component name (`PcmoSpeak`, …), and the flow as a list of them. */
const componentName = (action: string): string => `Pcmo${action.split('_').map(w => w.charAt(0).toUpperCase() + w.slice(1)).join('')}`
function pcmoComponents (): Record<string, JsonObject> {
  const { items: _items, ...flow } = plain(PcmoSchema)
  const actions = Object.keys(PCMO_ACTION_SCHEMAS)
  return {
    Pcmo: { ...flow, items: { anyOf: actions.map(action => ref(componentName(action))) } },
    ...Object.fromEntries(Object.entries(PCMO_ACTION_SCHEMAS).map(([action, schema]) => [componentName(action), plain(schema)]))
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
      summary: 'What PIOPIY POSTs to your webhook URL, answer URL and action URL, and what the receiver answers.',
      description: 'Generated from the schemas of @piopiy-webhooks/core by `npm run openapi`; do not edit by hand. ' +
        'Every notification kind arrives on the same URL (`POST /webhook/cdr` by default, the `path` option); the receiver classifies it. ' +
        'The answer URL (`answerPath`) and action URL (`actionPath`) answer a call flow (PCMO): docs/call-control.md. ' +
        'The field map, with the records your callbacks receive, is docs/fields.md; the status table is docs/http.md.',
      license: { name: 'MIT', identifier: 'MIT' }
    },
    tags: [
      { name: 'piopiy', description: 'Notifications PIOPIY sends to the webhook URL set in its dashboard.' },
      { name: 'call-control', description: 'The requests PIOPIY sends to the answer URL and to action URLs, answered with a call flow (PCMO).' }
    ],
    webhooks: {
      ...Object.fromEntries(HOOKS.map(hook => [hook.kind, operation(hook)])),
      ...Object.fromEntries(CALL_CONTROL.map(route => [route.name, callControlOperation(route)]))
    },
    components: {
      schemas: {
        Cdr: plain(CdrPayloadSchema),
        CallEvent: plain(CallEventPayloadSchema),
        StreamEvent: plain(StreamEventPayloadSchema),
        OtherNotification: plain(UnknownPayloadSchema),
        AnswerRequest: plain(AnswerRequestSchema),
        DtmfRequest: plain(DtmfRequestSchema),
        ...pcmoComponents(),
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
