// Type-only imports (RequestedSubnet) resolve here.
export {};
