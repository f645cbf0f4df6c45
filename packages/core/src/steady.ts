/**
 * A key no caller uses (theirs are strings or objects), for one entry that keeps a Map or Set from emptying.
 * V8 shrinks a hash table that falls below a quarter full and grows it again on the next add, so a map that
 * goes 0 → 1 → 0 for every request (the delivery's in-flight answers, the controllers of running callbacks,
 * the memory store's claims: a fresh CDR adds and removes one of each) reallocated its table twice per
 * request. With this entry in it, it never drops below one.
 */
export const KEEP = Symbol('keep')
