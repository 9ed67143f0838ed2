// STUB of @chainsafe/snappy-wasm: not on the registry; unused by network/peers/*
class Encoder { compress() { throw new Error("stub snappy"); } }
class Decoder { decompress() { throw new Error("stub snappy"); } }
export default {Encoder, Decoder};
export {Encoder, Decoder};
