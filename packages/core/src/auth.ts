/**
 * Authentication of an unsigned sender (design.md, "Security"): a secret token in the URL or a header,
 * HTTP Basic, an IP/CIDR allowlist (X-Forwarded-For only with `trustProxy`), and an app-id allowlist.
 * A missing credential answers 401, a wrong one 403.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { BlockList, isIP } from 'node:net'
import { invalidOptions } from './errors.js'
import { firstHeader } from './headers.js'
import type { AuthOptions, RequestHeaders } from './types.js'

/** Why a request failed authentication. */
export interface AuthFailure { status: 401 | 403, reason: string, headers?: Record<string, string> }

export interface Authenticator {
  /** Checks token, basic credentials and client address; `undefined` when the request may pass. */
  check (headers: RequestHeaders, query: string, ip: string | undefined): AuthFailure | undefined
  /** Whether notifications of this app id are accepted. */
  allowsApp (appId: number | undefined): boolean
  /** The client address, honouring `trustProxy`. */
  clientIp (socketIp: string | undefined, headers: RequestHeaders): string | undefined
  /** Whether anything at all is configured. */
  readonly configured: boolean
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest()
/** Constant-time comparison with a secret hashed once at start-up (hashing makes lengths equal and hides them). */
const safeEqual = (given: string, secretDigest: Buffer): boolean => timingSafeEqual(digest(given), secretDigest)

/** `::ffff:1.2.3.4` → `1.2.3.4`, so IPv4 rules match IPv4 clients on dual-stack sockets. */
const plainIp = (ip: string): string => ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip

function blockListOf (entries: unknown): BlockList | undefined {
  if (entries === undefined) return undefined
  if (!Array.isArray(entries)) return invalidOptions('auth.allowIps must be an array of IPs or CIDR ranges')
  const list = new BlockList()
  for (const entry of entries) {
    const [address = '', bits] = String(entry).split('/')
    const family = isIP(address)
    const prefix = bits === undefined ? (family === 6 ? 128 : 32) : Number(bits)
    if (family === 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32)) {
      invalidOptions(`auth.allowIps: '${String(entry)}' is not an IP address or CIDR range`)
    }
    list.addSubnet(address, prefix, family === 6 ? 'ipv6' : 'ipv4')
  }
  return list
}

export function createAuthenticator (auth: AuthOptions = {}): Authenticator {
  for (const [key, value] of Object.entries(auth)) {
    // fail closed: \`{ token: process.env.PIOPIY_TOKEN }\` with the variable unset must not mean "no token"
    if (value === undefined) invalidOptions(`auth.${key} is undefined (an unset environment variable?): give it a value or leave the key out`)
  }
  const tokenOption = typeof auth.token === 'string' ? { token: auth.token } : auth.token
  if (tokenOption !== undefined && (typeof tokenOption.token !== 'string' || tokenOption.token === '')) invalidOptions('auth.token must be a non-empty string')
  const tokenDigest = tokenOption === undefined ? undefined : digest(tokenOption.token)
  const tokenHeader = tokenOption?.header?.toLowerCase() ?? 'x-webhook-token'
  const tokenQuery = tokenOption?.query ?? 'token'
  const basic = auth.basic
  if (basic !== undefined && (typeof basic.username !== 'string' || typeof basic.password !== 'string')) invalidOptions('auth.basic needs a username and a password')
  const basicDigests = basic === undefined ? undefined : { username: digest(basic.username), password: digest(basic.password) }
  const allowed = blockListOf(auth.allowIps)
  const { trustProxy = false } = auth
  if (typeof trustProxy !== 'boolean' && !(Number.isInteger(trustProxy) && trustProxy >= 0)) invalidOptions('auth.trustProxy must be a boolean or a number of proxies')
  if (auth.appIds !== undefined && !Array.isArray(auth.appIds)) invalidOptions('auth.appIds must be an array')
  const appIds = auth.appIds === undefined ? undefined : new Set(auth.appIds.map(Number))

  return {
    configured: tokenOption !== undefined || basic !== undefined || allowed !== undefined || appIds !== undefined,

    clientIp (socketIp, headers) {
      const socket = socketIp === undefined ? undefined : plainIp(socketIp)
      const forwarded = trustProxy === false ? undefined : firstHeader(headers, 'x-forwarded-for')
      if (forwarded === undefined) return socket
      const chain = [...forwarded.split(',').map(s => plainIp(s.trim())).filter(s => s !== ''), ...(socket === undefined ? [] : [socket])]
      // trustProxy: true trusts every hop (left-most address); n trusts the n nearest proxies
      return trustProxy === true ? chain[0] : chain[Math.max(0, chain.length - 1 - Number(trustProxy))]
    },

    check (headers, query, ip) {
      if (allowed !== undefined && (ip === undefined || !allowed.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4'))) {
        return { status: 403, reason: `ip: ${ip ?? 'unknown'} is not in auth.allowIps` }
      }
      if (tokenDigest !== undefined) {
        const given = firstHeader(headers, tokenHeader) ?? new URLSearchParams(query).get(tokenQuery) ?? undefined
        if (given === undefined) return { status: 401, reason: `token: missing (send it as ?${tokenQuery}= or the ${tokenHeader} header)` }
        if (!safeEqual(given, tokenDigest)) return { status: 403, reason: 'token: does not match' }
      }
      if (basicDigests !== undefined) {
        const authorization = firstHeader(headers, 'authorization')
        const challenge = { 'www-authenticate': 'Basic realm="piopiy-webhooks", charset="UTF-8"' }
        if (authorization === undefined || !/^basic /i.test(authorization)) return { status: 401, reason: 'basic: credentials missing', headers: challenge }
        const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8')
        const colon = decoded.indexOf(':')
        const userOk = safeEqual(decoded.slice(0, Math.max(colon, 0)), basicDigests.username)
        const passwordOk = safeEqual(decoded.slice(colon + 1), basicDigests.password) // both compared: no timing hint on which failed
        if (colon < 0 || !userOk || !passwordOk) return { status: 403, reason: 'basic: wrong username or password' }
      }
      return undefined
    },

    allowsApp (appId) {
      return appIds === undefined || (appId !== undefined && appIds.has(appId))
    }
  }
}
