// STUB of @lodestar/db/controller/level: not on the registry at >=1.44; unused by network/peers/*
const mk = (n) => new Proxy(class { constructor() { throw new Error("stub " + n); } },
  {get: (t, p, r) => (p in t || typeof p === "symbol" ? Reflect.get(t, p, r) : String(p))});
export const LevelDbController = mk("LevelDbController");
