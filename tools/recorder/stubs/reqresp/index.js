// STUB of @lodestar/reqresp: not on the registry at >=1.44; unused by network/peers/*
const mk = (n) => new Proxy(class { constructor() { throw new Error("stub " + n); } },
  {get: (t, p, r) => (p in t || typeof p === "symbol" ? Reflect.get(t, p, r) : String(p))});
export const ContextBytesType = mk("ContextBytesType");
export const Encoding = mk("Encoding");
export const LightClientServerErrorCode = mk("LightClientServerErrorCode");
export const REQUEST_ERROR_CLASS_NAME = mk("REQUEST_ERROR_CLASS_NAME");
export const RESPONSE_ERROR_CLASS_NAME = mk("RESPONSE_ERROR_CLASS_NAME");
export const ReqResp = mk("ReqResp");
export const RequestError = mk("RequestError");
export const RequestErrorCode = mk("RequestErrorCode");
export const RespStatus = mk("RespStatus");
export const ResponseError = mk("ResponseError");
