// STUB of @lodestar/db: not on the registry at >=1.44; unused by network/peers/*
const mk = (n) => new Proxy(class { constructor() { throw new Error("stub " + n); } },
  {get: (t, p, r) => (p in t || typeof p === "symbol" ? Reflect.get(t, p, r) : String(p))});
export const BUCKET_LENGTH = mk("BUCKET_LENGTH");
export const BinaryRepository = mk("BinaryRepository");
export const PrefixedRepository = mk("PrefixedRepository");
export const Repository = mk("Repository");
export const decodeNumberForDbKey = mk("decodeNumberForDbKey");
export const encodeKey = mk("encodeKey");
export const encodeNumberForDbKey = mk("encodeNumberForDbKey");
