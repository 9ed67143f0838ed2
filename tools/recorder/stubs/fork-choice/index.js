// STUB of @lodestar/fork-choice: not on the registry at >=1.44; unused by network/peers/*
const mk = (n) => new Proxy(class { constructor() { throw new Error("stub " + n); } },
  {get: (t, p, r) => (p in t || typeof p === "symbol" ? Reflect.get(t, p, r) : String(p))});
export const AncestorStatus = mk("AncestorStatus");
export const EpochDifference = mk("EpochDifference");
export const ExecutionStatus = mk("ExecutionStatus");
export const ForkChoice = mk("ForkChoice");
export const ForkChoiceError = mk("ForkChoiceError");
export const ForkChoiceErrorCode = mk("ForkChoiceErrorCode");
export const ForkChoiceStore = mk("ForkChoiceStore");
export const NotReorgedReason = mk("NotReorgedReason");
export const PayloadStatus = mk("PayloadStatus");
export const ProtoArray = mk("ProtoArray");
export const UpdateHeadOpt = mk("UpdateHeadOpt");
export const getForkChoiceMetrics = mk("getForkChoiceMetrics");
export const getSafeExecutionBlockHash = mk("getSafeExecutionBlockHash");
