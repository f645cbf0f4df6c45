/**
 * BullMQ job ids may not contain `:` (nor be an integer); dedupe keys are `:`-separated. `%` and `:`
 * are percent-encoded (`%25`, `%3A`) and nothing else changes: every `%` in an id starts an escape,
 * so an id decodes back to exactly one key and two different keys never share an id, whatever
 * characters the key's fields hold. A key starts with its kind's name, so an id is never an integer.
 */
export const jobIdOf = (key: string): string => key.replace(/[%:]/g, c => c === '%' ? '%25' : '%3A')

/** The dedupe key a {@link jobIdOf} id was made from. */
export const keyOfJobId = (id: string): string => id.replace(/%3A|%25/g, e => e === '%25' ? '%' : ':')
