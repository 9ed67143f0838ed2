// The req/resp side a Lodestar 1.44.0 node gives its PeerManager, over real libp2p streams:
// what ReqRespBeaconNode + @lodestar/reqresp do for the four methods the peer manager uses
// (@lodestar/reqresp is not on the registry at 1.44 and is stubbed in tools/recorder, so this is a
// thin replacement speaking the same wire protocol). Protocol ids, SSZ types (@lodestar/types, fulu:
// status/2, metadata/3, ping/1, goodbye/1), the ssz_snappy encoding, the inbound rate-limit quotas
// (Lodestar's rateLimitQuotas), the error codes and the scoring of outgoing errors (Lodestar's own
// onOutgoingReqRespError, applied straight to the score store as ReqRespBeaconNode does) follow
// Lodestar; the timeouts are @lodestar/reqresp's defaults.
//
// `behaviour` makes a node answer late, never, half, or with an error (lib/behaviour.mjs).
import {ssz} from "@lodestar/types";
import {RequestErrorCode} from "@lodestar/reqresp"; // the stub: each code is its own name
import {decodePayload, decodeResponseChunk, encodePayload, encodeResponseChunk, EncodingError} from "./ssz-snappy.mjs";

export const DIAL_TIMEOUT_MS = 5_000;
export const REQUEST_TIMEOUT_MS = 5_000; // server: the whole request must arrive within it
export const TTFB_TIMEOUT_MS = 5_000;
export const RESP_TIMEOUT_MS = 10_000;

const RESULT = {success: 0, invalidRequest: 1, serverError: 2, resourceUnavailable: 3};

export const protocolId = (method, version) => `/eth2/beacon_chain/req/${method}/${version}/ssz_snappy`;

// method -> [version, request type (null: no body), response type]
const METHODS = {
  status: [2, ssz.fulu.Status, ssz.fulu.Status],
  ping: [1, ssz.phase0.Ping, ssz.phase0.Ping],
  metadata: [3, null, ssz.fulu.Metadata],
  goodbye: [1, ssz.phase0.Goodbye, ssz.phase0.Goodbye],
};

export class RequestError extends Error {
  constructor(code, message) {
    super(`${code}: ${message}`);
    this.type = {code};
  }
}

class Timeout extends Error {}

// libp2p rejects some operations with errors that have a name and no message
const messageOf = (e) => e?.message || e?.name || String(e);

function bytesOf(chunk) {
  return chunk instanceof Uint8Array ? chunk : chunk.subarray();
}

/** Reads from a libp2p stream until parse(buffer) returns a value; firstMs before the first byte, nextMs after. */
async function readUntil(stream, parse, firstMs, nextMs) {
  const it = stream[Symbol.asyncIterator]();
  let buf = new Uint8Array(0);
  let gotFirst = false;
  for (;;) {
    let timer;
    const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Timeout(gotFirst ? "resp" : "first")), gotFirst ? nextMs : firstMs)));
    let r;
    try {
      r = await Promise.race([it.next(), timeout]);
    } finally {
      clearTimeout(timer);
    }
    if (r.done) return {value: parse(buf, true), eof: true};
    const b = bytesOf(r.value);
    const next = new Uint8Array(buf.length + b.length);
    next.set(buf);
    next.set(b, buf.length);
    buf = next;
    gotFirst = gotFirst || buf.length > 0;
    const v = parse(buf, false);
    if (v !== null) return {value: v, eof: false};
  }
}

// GCRA per (peer, method), quotas from Lodestar's rateLimitQuotas
class RateLimiter {
  constructor(quotas) {
    this.quotas = quotas;
    this.tat = new Map();
  }
  allows(peer, method, nowMs) {
    const q = this.quotas[method]?.byPeer;
    if (!q) return true;
    const key = `${peer}/${method}`;
    const interval = q.quotaTimeMs / q.quota;
    const tat = Math.max(this.tat.get(key) ?? nowMs, nowMs) + interval;
    if (tat - nowMs > q.quotaTimeMs) return false;
    this.tat.set(key, tat);
    return true;
  }
}

export class LiveReqResp {
  /**
   * modules: {libp2p, peerRpcScores, events (NetworkEventBus), peersData, statusCache, metadata
   * ({seqNumber, attnets, syncnets, custodyGroupCount}), behaviour, onOutgoingReqRespError, PeerAction,
   * NetworkEvent, rateLimitQuotas, log}
   */
  constructor(m) {
    Object.assign(this, m);
    this.limiter = new RateLimiter(m.rateLimitQuotas);
    this.stats = {served: 0, rateLimited: 0, sent: 0, failed: 0};
  }

  async start() {
    for (const [method, [version]] of Object.entries(METHODS)) {
      if (this.behaviour.unsupported(method)) continue;
      await this.libp2p.handle(protocolId(method, version), (stream, connection) => {
        this.serve(method, stream, connection.remotePeer).catch((e) => this.log(`serve ${method}: ${e.message}`));
      });
    }
  }

  // ---------------------------------------------------------------- server
  async serve(method, stream, peer) {
    const [, reqType, respType] = METHODS[method];
    let body = null;
    try {
      if (reqType) {
        const {value} = await readUntil(stream, (buf, eof) => decodePayload(buf) ?? (eof ? {eof: true} : null), REQUEST_TIMEOUT_MS, REQUEST_TIMEOUT_MS);
        if (!value || value.eof) throw new EncodingError("request ended early");
        body = reqType.deserialize(value.ssz);
      }
    } catch (e) {
      this.sendError(stream, RESULT.invalidRequest, e instanceof Timeout ? "request timeout" : e.message);
      return;
    }
    if (!this.limiter.allows(peer.toString(), method, Date.now())) {
      // ReqRespBeaconNode's onRateLimit
      this.stats.rateLimited++;
      this.peerRpcScores.applyAction(peer, this.PeerAction.Fatal, "rate_limit_rpc");
      this.sendError(stream, RESULT.resourceUnavailable, "rate limited");
      return;
    }
    if (method === "status") this.peersData.setEncodingPreference(peer.toString(), "ssz_snappy");
    // ReqRespBeaconNode.onIncomingRequestBody: the event bus hears of it in the next event loop turn
    setTimeout(() => this.events.emit(this.NetworkEvent.reqRespRequest, {request: {method, body}, peer, peerClient: this.peersData.getPeerKind(peer.toString()) ?? "Unknown"}), 0);
    let data;
    if (method === "status") data = respType.serialize(this.statusCache.get());
    else if (method === "ping") data = respType.serialize(this.metadata.seqNumber);
    else if (method === "metadata") data = respType.serialize(this.metadata);
    else data = respType.serialize(0n);
    const how = this.behaviour.answer(method);
    this.stats.served++;
    if (how.kind === "mute") return; // never answers; the requester times out, the stream dies with the connection
    if (how.delayMs > 0) await new Promise((r) => setTimeout(r, how.delayMs));
    try {
      if (how.kind === "error") {
        this.sendError(stream, RESULT.serverError, "livenet: server error");
      } else if (how.kind === "stall") {
        stream.send(Uint8Array.of(RESULT.success)); // first byte, then nothing
      } else {
        stream.send(encodeResponseChunk(RESULT.success, data));
        await stream.close();
      }
    } catch (e) {
      // the requester gave up or the connection closed meanwhile
    }
  }

  sendError(stream, result, message) {
    try {
      stream.send(encodeResponseChunk(result, new TextEncoder().encode(message).subarray(0, 256)));
      stream.close().catch(() => {});
    } catch {}
  }

  // ---------------------------------------------------------------- client (what the PeerManager calls)
  async request(peer, method, request) {
    // Lodestar's network thread gets requests by message passing: nothing of the request runs inside
    // the PeerManager's synchronous code (where the live hook records Math.random draws as its own).
    await new Promise((r) => setImmediate(r));
    const [version, reqType, respType] = METHODS[method];
    this.stats.sent++;
    try {
      return await this.requestOnce(peer, method, version, reqType, respType, request);
    } catch (e) {
      this.stats.failed++;
      const err = e instanceof RequestError ? e : new RequestError(RequestErrorCode.UNKNOWN_ERROR, messageOf(e));
      // ReqRespBeaconNode.onOutgoingRequestError
      const action = this.onOutgoingReqRespError(err, method);
      if (action !== null) this.peerRpcScores.applyAction(peer, action, err.type.code);
      throw err;
    }
  }

  async requestOnce(peer, method, version, reqType, respType, request) {
    let stream;
    try {
      stream = await this.libp2p.dialProtocol(peer, protocolId(method, version), {signal: AbortSignal.timeout(DIAL_TIMEOUT_MS)});
    } catch (e) {
      const code = e.name === "TimeoutError" || e.name === "AbortError" ? RequestErrorCode.DIAL_TIMEOUT : RequestErrorCode.DIAL_ERROR;
      throw new RequestError(code, messageOf(e));
    }
    try {
      if (reqType) stream.send(encodePayload(reqType.serialize(request)));
      await stream.close();
      let r;
      try {
        r = await readUntil(stream, (buf, eof) => decodeResponseChunk(buf) ?? (eof ? {eof: true} : null), TTFB_TIMEOUT_MS, RESP_TIMEOUT_MS);
      } catch (e) {
        if (e instanceof Timeout) throw new RequestError(e.message === "first" ? RequestErrorCode.TTFB_TIMEOUT : RequestErrorCode.RESP_TIMEOUT, "timeout");
        if (e instanceof EncodingError) throw new RequestError(RequestErrorCode.INVALID_RESPONSE_SSZ, e.message);
        throw new RequestError(RequestErrorCode.UNKNOWN_ERROR, messageOf(e));
      }
      const chunk = r.value;
      if (!chunk || chunk.eof) throw new RequestError(RequestErrorCode.EMPTY_RESPONSE, "no response chunk");
      if (chunk.result !== RESULT.success) {
        const code =
          chunk.result === RESULT.invalidRequest
            ? RequestErrorCode.INVALID_REQUEST
            : chunk.result === RESULT.serverError
              ? RequestErrorCode.SERVER_ERROR
              : chunk.result === RESULT.resourceUnavailable
                ? RequestErrorCode.RESOURCE_UNAVAILABLE
                : RequestErrorCode.UNKNOWN_ERROR_STATUS;
        throw new RequestError(code, new TextDecoder().decode(chunk.ssz));
      }
      try {
        return respType.deserialize(chunk.ssz);
      } catch (e) {
        throw new RequestError(RequestErrorCode.INVALID_RESPONSE_SSZ, e.message);
      }
    } catch (e) {
      stream.abort(e);
      throw e;
    }
  }

  sendPing(peer) {
    return this.request(peer, "ping", this.metadata.seqNumber);
  }
  sendStatus(peer, status) {
    return this.request(peer, "status", status);
  }
  sendMetadata(peer) {
    return this.request(peer, "metadata", null);
  }
  async sendGoodbye(peer, reason) {
    await this.request(peer, "goodbye", reason);
  }
}
