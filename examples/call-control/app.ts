// An IVR on PIOPIY call control, with Express: "press 1 for sales, 2 for support".
// The answer URL greets the caller and collects one digit; the action URL routes on it.
import { pcmo, type DtmfInput } from '@piopiy-webhooks/core'
import { piopiyMiddleware, type PiopiyMiddlewareOptions } from '@piopiy-webhooks/express'
import express, { type Express } from 'express'

export interface IvrSettings {
  /** The public base URL of this app, as PIOPIY reaches it (the action URL is built from it). */
  publicUrl: string
  /** Your PIOPIY number, shown as the caller id on forwarded calls. */
  piopiyNumber: string
  /** Who answers each option. */
  sales: string
  support: string
  /** A token PIOPIY sends in the URL (`?token=`); appended to the action URL too. */
  token?: string | undefined
}

/** The two flows of the IVR. */
export function ivr (settings: IvrSettings) {
  const { piopiyNumber, sales, support, token } = settings
  // read per call: settings.publicUrl may be set once the server listens
  const actionUrl = (): string => `${settings.publicUrl}/webhook/action${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`
  const menu = (flow = pcmo()) => flow
    .speak('Welcome to Example Corp. Press 1 for sales, or 2 for support.')
    .input({ actionUrl: actionUrl(), maxDigit: 1, timeout: 10 })
  return {
    /** A call starts: the menu. */
    answer: menu,
    /** A digit was pressed: forward the call, or say the menu again. */
    route (input: DtmfInput) {
      if (input.dtmf === '1') return pcmo().speak('Connecting you to sales.').bridge(sales, { from: piopiyNumber, timeout: 30 })
      if (input.dtmf === '2') return pcmo().speak('Connecting you to support.').bridge(support, { from: piopiyNumber, timeout: 30 })
      return menu(pcmo().speak('Sorry, that is not an option.'))
    }
  }
}

/** `log` gets one line per call step; `options` override the example's (tests pass a silent logger). */
export function createApp (settings: IvrSettings, log: (line: string) => void = console.log, options: PiopiyMiddlewareOptions = {}): Express {
  const flows = ivr(settings)
  const app = express()
  app.use(piopiyMiddleware({
    ...(settings.token === undefined ? {} : { auth: { token: settings.token } }),
    onAnswer: call => { log(`call from ${call.from} to ${call.to}`); return flows.answer() },
    onDtmf: input => { log(`${input.from} pressed ${input.dtmf}`); return flows.route(input) },
    onError: err => { log(`fallback flow answered: ${err.message}`) },
    ...options
  }))
  app.get('/health', (_req, res) => { res.send('ok') })
  return app
}
