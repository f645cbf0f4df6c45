import { randomBytes, randomUUID } from 'node:crypto'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** A fresh `cmiuuid`: a random UUID, as in every documented sample. */
export const newCmiuuid = (): string => randomUUID()

/**
 * A fresh 43-character alphanumeric id, the shape of `request_id` (and of `conversation_uuid` on
 * global outbound calls) in the docs, e.g. `'S9U4Mo29GHBfCJ2uHczcY75QQDri7HcAxXYZuktJLxf'`.
 */
export function newRequestId (): string {
  let id = ''
  while (id.length < 43) {
    for (const byte of randomBytes(64)) {
      // 248 = 4 × 62: bytes above it are dropped so that every character is equally likely
      if (byte < 248 && id.length < 43) id += ALPHABET[byte % 62] as string
    }
  }
  return id
}
