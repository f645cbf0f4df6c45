/**
 * Call control: the answer URL (`onAnswer`) and action URL (`onDtmf`) routes. The receiver runs the
 * same checks as for notifications first (route, method, auth, content-type, size); this module then
 * validates and normalizes the request, runs the callback within `callControlTimeoutMs`, checks the
 * flow it returns, and answers `200` with the JSON array. There is no dedupe here: every request
 * needs a flow. A callback that throws, is too slow, or returns an invalid flow gets the `fallback`
 * flow instead (never silence on the line), and `onError` is told.
 */
import { type Aborts, SignalContext, timeoutReason } from './abort.js'
import { TIMED_OUT, within } from './callbacks.js'
import type { AnswerCall, DtmfInput } from './call-control-schemas.js'
import { PiopiyWebhookError } from './errors.js'
import { answer as answerValidator, dtmf as dtmfValidator } from './generated/call-control-validators.js'
import { parseExtraParams } from './extra-params.js'
import { callHook } from './hooks.js'
import type { Logger } from './logger.js'
import { parseBody } from './parse.js'
import { checkPcmo, pcmo, type Validator } from './pcmo.js'
import type { Pcmo } from './pcmo-schemas.js'
import type { RequestHeaders as Headers, WebhookResponse } from './types.js'
import { describeError } from './validate.js'

/** What `onAnswer` and `onDtmf` receive beside the request; `onError` gets it too. */
export interface CallControlContext {
  /** `answer:<cmiuuid>` or `dtmf:<cmiuuid>`: names the request in logs (no dedupe runs on these routes). */
  key: string
  kind: 'answer' | 'dtmf'
  receivedAt: Date
  headers: Headers
  ip: string | undefined
  log: Logger
  /**
   * Aborted when `callControlTimeoutMs` passes (reason: a `TimeoutError` DOMException; the fallback
   * flow is answered) or the receiver closes (an `AbortError`): pass it on to stop your own work.
   */
  signal: AbortSignal
}

/**
 * A call flow as a callback may return it: a `pcmo()` builder (anything with a `toJSON()` giving the
 * array, structurally, so that builders of the ESM and CommonJS builds of the core both fit) or a plain array.
 */
export type Flow = Pcmo | { toJSON (): Pcmo }

type FlowCallback<T> = (request: T, ctx: CallControlContext) => Flow | Promise<Flow>

/** The call-control options of `createReceiver` and every adapter. */
export interface CallControlOptions {
  /** A call started: return its flow. Mounts `answerPath` when given. */
  onAnswer?: FlowCallback<AnswerCall>
  /** The digits of an `input` or `play_get_input` action: return the next flow. Mounts `actionPath` when given. */
  onDtmf?: FlowCallback<DtmfInput>
  /**
   * Route of the answer URL (set it in the PIOPIY dashboard).
   * @default '/webhook/answer'
   */
  answerPath?: string
  /**
   * Route of the action URL (the `actionUrl` of your `input` actions).
   * @default '/webhook/action'
   */
  actionPath?: string
  /**
   * The flow answered when `onAnswer`/`onDtmf` throws, times out or returns an invalid flow.
   * @default pcmo().speak(FALLBACK_TEXT).hangup()
   */
  fallback?: Flow
  /**
   * How long `onAnswer`/`onDtmf` may take before the fallback is answered, in ms. The caller hears
   * silence meanwhile, and the platform's own limit is not documented: 5 s keeps the wait short.
   * @default 5000
   */
  callControlTimeoutMs?: number
}

/** The default fallback's words. */
export const FALLBACK_TEXT = 'Sorry, we cannot take your call right now. Please try again later. Goodbye.'

export type CallControlRoute = 'answer' | 'dtmf'

/** What the receiver hands over once its own checks passed. */
export interface CallControlRequest {
  input: unknown
  reject: (status: number, reasons: string[]) => Promise<WebhookResponse>
  allowsApp: (appId: number | undefined) => boolean
  /** The receiver's `onError` option (by default: logged at error). */
  onError: ((err: Error, ctx: CallControlContext) => unknown) | undefined
  headers: Headers
  ip: string | undefined
  log: Logger
  /** When the request arrived (`Date.now()`): `ctx.receivedAt` once read. */
  receivedAt: number
  /** Its signal is `ctx.signal`. */
  controller: AbortController
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' }
/** The request validators: Ajv's standalone code, generated at build time (scripts/generate.ts). */
const validators: Record<CallControlRoute, Validator> = { answer: answerValidator as Validator, dtmf: dtmfValidator as Validator }
const fail = (message: string): never => { throw new PiopiyWebhookError('INVALID_OPTIONS', message) }

function checkPath (name: string, value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.includes('?')) fail(`${name} must be a string starting with '/' (got ${String(value)})`)
  return value as string
}

/** Normalizes a validated request into its record. */
function toRecord (route: CallControlRoute, p: Record<string, unknown>): AnswerCall | DtmfInput {
  const common = { from: String(p.from), to: String(p.to), cmiuuid: String(p.cmiuuid ?? p.cmuuid), raw: p }
  const record: AnswerCall | DtmfInput = route === 'answer'
    ? { kind: 'answer', time: new Date(Number(p.time)), ...common }
    : { kind: 'dtmf', dtmf: String(p.dtmf), ...common }
  if (route === 'answer' && p.action !== undefined) (record as AnswerCall).direction = p.action as string
  if (typeof p.extra_params === 'string') {
    const parsed = parseExtraParams(p.extra_params)
    if (parsed !== undefined) record.extraParams = parsed
    record.extraParamsRaw = p.extra_params
  } else if (p.extra_params !== undefined) {
    record.extraParams = p.extra_params as Record<string, unknown>
  }
  return record
}

/** The reasons a request is invalid (empty when valid). */
function requestErrors (route: CallControlRoute, payload: Record<string, unknown>): string[] {
  const reasons = payload.cmiuuid === undefined && payload.cmuuid === undefined ? ['cmiuuid: is required (cmuuid is accepted too)'] : []
  const validator = validators[route]
  if (!validator(payload)) reasons.push(...(validator.errors as NonNullable<Validator['errors']>).map(e => describeError(e, payload)))
  return reasons
}

const flow = (body: string): WebhookResponse => ({ status: 200, headers: { ...JSON_HEADERS }, body })

/** Runs the callback; resolves with its flow's JSON, or the fallback's after telling onError. */
async function answer (route: CallControlRoute, callback: FlowCallback<never>, record: AnswerCall | DtmfInput, ctx: CallControlContext, req: CallControlRequest, { callControlTimeoutMs, fallbackBody, aborts }: Settings): Promise<WebhookResponse> {
  const name = route === 'answer' ? 'onAnswer' : 'onDtmf'
  const report = (err: PiopiyWebhookError): void => { tell(req.onError, err, ctx) }
  let outcome: unknown
  try {
    const running = Promise.resolve(callback(record as never, ctx))
    aborts.track(req.controller, running)
    const result = await within(running.then(value => { outcome = value }), callControlTimeoutMs)
    if (result === TIMED_OUT) {
      req.controller.abort(timeoutReason(`callControlTimeoutMs (${callControlTimeoutMs} ms) passed`))
      running.catch(() => {}) // settled later: nothing can be answered any more
      report(new PiopiyWebhookError('CALLBACK_TIMEOUT', `${name} still running after callControlTimeoutMs (${callControlTimeoutMs} ms) for ${ctx.key}: answered the fallback flow`, { statusCode: 200 }))
      return flow(fallbackBody)
    }
    if (result !== undefined) throw result.err
  } catch (err) {
    report(new PiopiyWebhookError('CALLBACK_FAILED', `${name} threw: ${(err as Error)?.message ?? String(err)}; answered the fallback flow`, { cause: err, statusCode: 200 }))
    return flow(fallbackBody)
  }
  const checked = checkPcmo(outcome)
  if (checked.pcmo !== undefined) return flow(JSON.stringify(checked.pcmo))
  report(new PiopiyWebhookError('INVALID_PCMO', `${name} returned an invalid call flow for ${ctx.key}: ${checked.reasons.join('; ')}; answered the fallback flow`, { statusCode: 200 }))
  return flow(fallbackBody)
}

/** Tells `onError` (or logs) that the fallback flow was answered, without waiting for it (see hooks.ts). */
function tell (onError: CallControlRequest['onError'], err: PiopiyWebhookError, ctx: CallControlContext): void {
  if (onError === undefined) ctx.log.error({ err, key: ctx.key }, 'piopiy-webhooks: call flow failed, fallback answered')
  else callHook(ctx.log, 'onError', () => onError(err, ctx))
}

/** What `answer` needs of the resolved options. */
interface Settings { callControlTimeoutMs: number, fallbackBody: string, aborts: Aborts }

/** The call-control routes of one receiver (see createCallControl). */
export type CallControl = ReturnType<typeof createCallControl>

/** Resolves the call-control options (at start-up: a bad path or fallback fails here) and builds the route handler. */
export function createCallControl (options: CallControlOptions & { path: string, aborts: Aborts }) {
  const { onAnswer, onDtmf, answerPath = '/webhook/answer', actionPath = '/webhook/action', callControlTimeoutMs = 5000 } = options
  checkPath('answerPath', answerPath)
  checkPath('actionPath', actionPath)
  if (!(typeof callControlTimeoutMs === 'number' && Number.isFinite(callControlTimeoutMs) && callControlTimeoutMs > 0)) fail('callControlTimeoutMs must be a positive number (ms)')
  const fallbackCheck = checkPcmo(options.fallback ?? pcmo().speak(FALLBACK_TEXT).hangup())
  if (fallbackCheck.pcmo === undefined) return fail(`fallback is not a valid call flow: ${fallbackCheck.reasons.join('; ')}`)
  const fallbackBody = JSON.stringify(fallbackCheck.pcmo)
  const entries: Array<[string, [CallControlRoute, FlowCallback<never>]]> = []
  if (onAnswer !== undefined) entries.push([answerPath, ['answer', onAnswer as FlowCallback<never>]])
  if (onDtmf !== undefined) entries.push([actionPath, ['dtmf', onDtmf as FlowCallback<never>]])
  const mounted = [options.path, ...entries.map(([path]) => path)]
  if (new Set(mounted).size !== mounted.length) fail(`path, answerPath and actionPath must differ (got ${mounted.join(', ')})`)
  const routes = new Map(entries)

  return {
    /** The call-control paths mounted (only those whose callback is given). */
    paths: [...routes.keys()],
    /** The route a pathname (no query string) belongs to, if it is a mounted call-control path. */
    routeOf (pathname: string): string | undefined {
      const path = pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname
      return routes.has(path) ? path : undefined
    },
    /** Validates, normalizes, runs the callback and answers the flow (or a 4xx for bad input). */
    async handle (path: string, req: CallControlRequest): Promise<WebhookResponse> {
      const [route, callback] = routes.get(path) as [CallControlRoute, FlowCallback<never>]
      const body = parseBody(req.input)
      if (!body.ok) return await req.reject(400, body.reasons)
      const reasons = requestErrors(route, body.payload)
      if (reasons.length > 0) return await req.reject(400, reasons)
      const appId = body.payload.appid ?? body.payload.app_id
      if (appId !== undefined && !req.allowsApp(Number(appId))) return await req.reject(403, [`appid: ${String(appId)} is not in auth.appIds`])
      const record = toRecord(route, body.payload)
      const ctx: CallControlContext = new SignalContext(`${route}:${record.cmiuuid}`, route, req.receivedAt, req.headers, req.ip, req.log, req.controller)
      return await answer(route, callback, record, ctx, req, { callControlTimeoutMs, fallbackBody, aborts: options.aborts })
    }
  }
}
