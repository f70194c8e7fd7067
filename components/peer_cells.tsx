import type { PeerStatus } from "../lib/replication/mod.ts";
import { TimeAgo } from "./time_ago.tsx";

/** A peer's connection state and when it was last heard, as two cells. */
export function ConnectionCells(props: { peer: PeerStatus; now: number }) {
  const { peer, now } = props;
  return (
    <>
      <td>
        <span class={peer.connected ? "status-ok" : "status-off"}>
          {peer.connected ? "connected" : "disconnected"}
        </span>
      </td>
      <td>
        {peer.lastSeen === null
          ? "never"
          : <TimeAgo time={peer.lastSeen} now={now} />}
      </td>
    </>
  );
}

/** A peer's drops by reason, e.g. "key_not_hash: 3, busy: 1" ("" for none). */
export function rejectedByText(peer: PeerStatus): string {
  return Object.entries(peer.rejectedBy).map(([reason, count]) =>
    `${reason}: ${count}`
  ).join(", ");
}
