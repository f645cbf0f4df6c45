/**
 * Phone numbers as the platform may send them (docs/fields.md). As a JSON number: an integer of at most
 * 15 digits, E.164's longest, which a double holds exactly (a longer one, or a fraction past 15 digits,
 * was already rounded by `JSON.parse` and is rejected rather than read wrong). As a string: not blank, at
 * most 32 characters (15 digits with room for `+`, spaces, dashes or an extension); send longer ones in
 * `extra_params`. No TypeBox here: validate.ts loads this at run time.
 */
export const PHONE_MAX_LENGTH = 32
export const PHONE_MAX_NUMBER = 999_999_999_999_999
/** 1 to {@link PHONE_MAX_LENGTH} characters, not all blank (checked with one regular expression, no `maxLength` walk). */
export const PHONE_PATTERN = `^(?=[^]{1,${PHONE_MAX_LENGTH}}$)\\s*\\S`
