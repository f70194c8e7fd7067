/**
 * The ledger channel: consensus messages (proposals, votes, evidence,
 * finalized blocks) of honoured ledgers travel in GUN puts under
 * `kith/ledger/<id>`, beside log segments. Keys are content addresses, as
 * for segments; values are canonical JSON. Each message is sent at once
 * (no batching: a vote late by a flush interval is a round late) and
 * relayed by every receiver that found it new and valid, so a mesh that is
 * not fully connected still hears every validator.
 *
 * @module
 */
import { nodeOf } from "./graph_server.ts";
import type { GunMessage, GunNodeData } from "./gun_types.d.ts";
import { segmentKey } from "./layout.ts";

/** Largest ledger message in characters (a full block with its commit). */
export const MAX_LEDGER_MESSAGE = 5_000_000;

const LEDGER_SOUL = /^kith\/ledger\/([A-Za-z0-9_-]{43})$/;

/** Soul of a ledger's channel. */
export function ledgerSoul(ledger: string): string {
  return `kith/ledger/${ledger}`;
}

/**
 * Judges one message: resolves true when it was new and valid here (it is
 * then relayed), false otherwise.
 */
export type LedgerHandler = (
  ledger: string,
  value: string,
  peerId: string,
) => Promise<boolean>;

/**
 * Takes the ledger souls out of `message.put` (what is left goes on to the
 * firewall), hands each well-formed key to `handler`, and returns the put
 * to relay: the keys the handler accepted, under the message's own id, so
 * GUN's de-duplication stops loops. Malformed keys count as `drop`.
 *
 * @example
 * ```ts
 * const relay = await takeLedgerMessages(message, peerId, { handler, drop });
 * if (relay) node.say(relay);
 * ```
 */
export async function takeLedgerMessages(
  message: GunMessage,
  peerId: string,
  options: { handler?: LedgerHandler; drop: (count: number) => void },
): Promise<GunMessage | null> {
  const put = message.put as Record<string, GunNodeData> | undefined;
  if (!put || typeof put !== "object") return null;
  const passed: Record<string, GunNodeData> = {};
  const work: Promise<void>[] = [];
  for (const soul of Object.keys(put)) {
    const match = LEDGER_SOUL.exec(soul);
    if (!match) continue;
    const node = put[soul];
    delete put[soul];
    if (!options.handler || !node || typeof node !== "object") {
      if (options.handler) options.drop(1);
      continue;
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === "_") continue;
      if (
        typeof value !== "string" || value.length > MAX_LEDGER_MESSAGE ||
        segmentKey(value) !== key
      ) {
        options.drop(1);
        continue;
      }
      work.push(
        options.handler(match[1], value, peerId).then((fresh) => {
          if (!fresh) return;
          const out = passed[soul] ??= nodeOf(soul, [], 0).node;
          out._![">"]![key] = 1;
          out[key] = value;
        }),
      );
    }
  }
  await Promise.all(work);
  if (Object.keys(passed).length === 0 || message["@"] !== undefined) {
    return null;
  }
  return { "#": message["#"], put: passed };
}

/** A put carrying one ledger message, to send to every peer. */
export function ledgerPut(ledger: string, value: string): GunMessage {
  const { soul, node } = nodeOf(ledgerSoul(ledger), [value], 0);
  return { put: { [soul]: node } };
}
