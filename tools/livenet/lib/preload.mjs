// node --import tools/livenet/lib/preload.mjs: lets tools/livenet import the recorder's packages
// (lib/resolve-hooks.mjs), and gives Node 20 the one ES2024 builtin js-libp2p 3 calls that it lacks.
import {register} from "node:module";

register("./resolve-hooks.mjs", import.meta.url);

// libp2p 3.1.6's upgrader and @chainsafe/libp2p-noise call Promise.withResolvers (Node >= 22); without
// it every inbound connection fails its encryption. Same semantics as the standard method.
if (typeof Promise.withResolvers !== "function") {
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new this((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return {promise, resolve, reject};
  };
}
