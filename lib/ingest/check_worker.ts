/**
 * Worker half of the check pool: decodes record lines and verifies their
 * signatures off the main thread, which keeps committing to KV.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { verifyEd25519 } from "../crypto/mod.ts";
import {
  decodeBase64Url,
  decodeRecord,
  ProtocolError,
} from "../protocol/mod.ts";
import type { CheckRequest, CheckResult } from "./check_pool.ts";

self.onmessage = async (event: MessageEvent<CheckRequest>) => {
  const { requestId, lines, now } = event.data;
  const results = await Promise.all(
    lines.map(async (line): Promise<CheckResult> => {
      try {
        const record = decodeRecord(line, { now });
        const ok = await verifyEd25519(
          decodeBase64Url(record.entry.author)!,
          record.signed,
          decodeBase64Url(record.entry.sig)!,
        );
        if (!ok) {
          return {
            code: "invalid_signature",
            message:
              "Cannot accept entry: the signature does not verify for its author",
          };
        }
        return { entry: record.entry, content: record.content, id: record.id };
      } catch (error) {
        if (error instanceof ProtocolError) {
          return { code: error.code, message: error.message };
        }
        return { code: "internal", message: String(error) };
      }
    }),
  );
  self.postMessage({ requestId, results });
};
