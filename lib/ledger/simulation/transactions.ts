/**
 * Seeded ledger transactions for the simulator: flags, retractions,
 * transfers, delegations to honest validators, appeals and appeal votes,
 * signed as real `ledger` records by the funded simulation accounts.
 *
 * @module
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { encodeBase64Url } from "../../protocol/base64url.ts";
import { createRecord } from "../../protocol/record.ts";
import type { Transaction } from "../transaction.ts";
import { fakeSign, simulatedKey } from "./node.ts";

/** Funded accounts in a simulated genesis. */
export const ACCOUNTS = 8;

/** Makes the transactions of one run, in the order they are asked for. */
export class Transactions {
  readonly #random: () => number;
  readonly #ledger: string;
  /** Validators that delegations may go to (honest ones only). */
  readonly #honest: number[];
  /** Last seq and entry id of each account's log. */
  readonly #heads = new Map<string, { seq: number; id: string }>();
  readonly #flags: { id: string; subject: { post: string; author: string } }[] =
    [];
  readonly #appeals: string[] = [];

  constructor(random: () => number, ledger: string, honest: number[]) {
    this.#random = random;
    this.#ledger = ledger;
    this.#honest = honest;
  }

  /** A new signed record line carrying a transaction, created at `now`. */
  next(now: number): string {
    const random = this.#random;
    const author = simulatedKey(Math.floor(random() * ACCOUNTS), "account");
    const head = this.#heads.get(author);
    const seq = (head?.seq ?? 0) + 1;
    const tx = this.#transaction();
    const { line, id } = createRecord({
      author,
      seq,
      prev: head?.id ?? null,
      ts: Math.floor(now),
      type: "ledger",
      content: {
        ledger: this.#ledger,
        tx: tx as unknown as Record<string, unknown>,
      },
    }, { sign: fakeSign(author) });
    this.#heads.set(author, { seq, id });
    if (tx.type === "flag") {
      this.#flags.push({
        id,
        subject: tx.subject as { post: string; author: string },
      });
    }
    if (tx.type === "appeal") this.#appeals.push(id);
    return line;
  }

  #transaction(): Transaction {
    const random = this.#random;
    const pick = random();
    const flags = this.#flags;
    const appeals = this.#appeals;
    const any = <T>(list: readonly T[]) =>
      list[Math.floor(random() * list.length)];
    if (pick < 0.45 || flags.length === 0) {
      const post = encodeBase64Url(
        sha256(new Uint8Array([Math.floor(random() * 20)])),
      );
      return {
        type: "flag",
        subject: {
          post,
          author: simulatedKey(Math.floor(random() * 3), "author"),
        },
        category: any(["spam", "abuse", "illegal", "other"] as const),
        bond: 10 + Math.floor(random() * 40),
      };
    }
    if (pick < 0.55) return { type: "retract", flag: any(flags).id };
    if (pick < 0.65) {
      return {
        type: "transfer",
        to: simulatedKey(Math.floor(random() * ACCOUNTS), "account"),
        amount: 1 + Math.floor(random() * 20),
      };
    }
    if (pick < 0.75 && this.#honest.length > 0) {
      return {
        type: "delegate",
        validator: simulatedKey(any(this.#honest)),
        amount: 1 + Math.floor(random() * 10),
      };
    }
    if (pick < 0.85 || appeals.length === 0) {
      return { type: "appeal", subject: any(flags).subject, bond: 10 };
    }
    return {
      type: "vote",
      appeal: any(appeals),
      choice: random() < 0.5 ? "uphold" : "overturn",
    };
  }
}
