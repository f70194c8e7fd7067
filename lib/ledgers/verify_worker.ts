/**
 * Worker half of `VerifyPool` (verify.ts): verifies the checks, or the
 * signatures of the finalized blocks, it is sent, off the caller's thread.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import {
  finalizedChecks,
  verifyAll,
  type VerifyRequest,
  type VerifyResponse,
} from "./verify.ts";

self.onmessage = async (event: MessageEvent<VerifyRequest>) => {
  const request = event.data;
  let response: VerifyResponse;
  if ("checks" in request) {
    response = {
      requestId: request.requestId,
      ok: [await verifyAll(request.checks)],
      counts: [request.checks.length],
    };
  } else {
    const counts: number[] = [];
    const ok = await Promise.all(request.blocks.map((finalized, i) => {
      let checks;
      try {
        checks = finalizedChecks(finalized);
      } catch {
        counts[i] = 0;
        return false;
      }
      counts[i] = checks.length;
      return verifyAll(checks);
    }));
    response = { requestId: request.requestId, ok, counts };
  }
  self.postMessage(response);
};
