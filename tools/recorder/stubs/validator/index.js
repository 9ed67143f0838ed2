// STUB of @lodestar/validator: not on the registry at >=1.44; unused by network/peers/*
const mk = (n) => new Proxy(class { constructor() { throw new Error("stub " + n); } },
  {get: (t, p, r) => (p in t || typeof p === "symbol" ? Reflect.get(t, p, r) : String(p))});
export const MAX_BUILDER_BOOST_FACTOR = mk("MAX_BUILDER_BOOST_FACTOR");
export const defaultOptions = mk("defaultOptions");
