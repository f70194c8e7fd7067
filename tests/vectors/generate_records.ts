/**
 * Generates tests/vectors/records.json: valid and invalid records with the
 * verdict every Kith implementation must reach. The file is frozen: run
 * with `--write` only when the protocol version changes; the test suite
 * regenerates it in memory and fails if anything differs, so a change to
 * the rules can never slip in silently.
 *
 *   deno run -A tests/vectors/generate_records.ts --write
 *
 * Keys come from fixed seeds and Ed25519 signatures are deterministic, so
 * the output is the same on every machine.
 *
 * @module
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { publicKeyOf, sign } from "../../lib/crypto/mod.ts";
import {
  canonicalize,
  type Content,
  createRecord,
  encodeBase64Url,
  type Entry,
  entryId,
  type EntryType,
  signingBytes,
} from "../../lib/protocol/mod.ts";

/** The receiver's clock for every case. */
export const NOW = 1_795_500_000_000;

interface Case {
  name: string;
  line: string;
  /** `null` for a valid record, else the error code. */
  error: string | null;
  /** The entry id of a valid record. */
  id?: string;
}

function author(seed: string) {
  const secretKey = sha256(
    new TextEncoder().encode(`kith test vector author ${seed}`),
  );
  return { secretKey, key: encodeBase64Url(publicKeyOf(secretKey)) };
}

const alice = author("alice");
const bob = author("bob");
const signer = (secretKey: Uint8Array) => ({
  sign: (bytes: Uint8Array) => sign(secretKey, bytes),
});

/** Signs an entry whose fields may break the rules (createRecord would refuse them). */
function forge(
  fields: Record<string, unknown>,
  content: unknown,
  secretKey = alice.secretKey,
): string {
  const { sig: _ignored, ...unsigned } = fields;
  const sig = encodeBase64Url(
    sign(secretKey, signingBytes(unsigned as unknown as Entry)),
  );
  return canonicalize({ content, entry: { ...unsigned, sig } });
}

/** Builds every case. Pure apart from the fixed seeds. */
export function generateCases(): Case[] {
  const cases: Case[] = [];
  const valid = (name: string, record: { id: string; line: string }) =>
    cases.push({ name, line: record.line, error: null, id: record.id });
  const invalid = (name: string, line: string, error: string) =>
    cases.push({ name, line, error });

  let prev: string | null = null;
  let seq = 0;
  const next = (type: EntryType, content: Content, who = alice) => {
    const record = createRecord(
      {
        author: who.key,
        seq: ++seq,
        prev,
        ts: NOW - 60_000 + seq,
        type,
        content,
      },
      signer(who.secretKey),
    );
    prev = record.id;
    return record;
  };

  const first = next("post", { text: "Hello, Kith" });
  valid("post, seq 1", first);
  valid(
    "reply with mentions, tags and a content warning",
    next("post", {
      text: "Replying to myself about #gardening with @bob",
      root: first.id,
      parent: first.id,
      mentions: [bob.key],
      tags: ["gardening", "été"],
      cw: "plants",
    }),
  );
  valid(
    "profile",
    next("profile", {
      name: "Alice",
      bio: "Grows things.\nWrites about them.",
      avatar: "https://example.org/a.png",
    }),
  );
  valid("follow", next("follow", { target: bob.key }));
  valid(
    "react",
    next("react", {
      target: first.id,
      targetAuthor: alice.key,
      reaction: "👍",
    }),
  );
  valid(
    "repost",
    next("repost", { target: first.id, targetAuthor: alice.key }),
  );
  valid("unfollow", next("unfollow", { target: bob.key }));
  valid(
    "direct message",
    next("dm", {
      to: [bob.key],
      box: encodeBase64Url(new Uint8Array(48).fill(7)),
    }),
  );
  valid(
    "ledger transaction",
    next("ledger", { ledger: first.id, tx: { kind: "flag", amount: 10 } }),
  );
  const retract = next("retract", { target: first.id });
  valid("retract", retract);
  const dropped = JSON.parse(first.line) as { entry: Entry };
  valid("record with its content dropped", {
    id: entryId(dropped.entry),
    line: canonicalize({ content: null, entry: dropped.entry }),
  });

  const base = (JSON.parse(first.line) as { entry: Entry }).entry;
  const content = { text: "Hello, Kith" };
  invalid(
    "whitespace makes it non-canonical",
    first.line.replace('{"content":', '{ "content":'),
    "non_canonical",
  );
  invalid(
    "duplicate key",
    first.line.replace('{"content":', '{"content":null,"content":'),
    "non_canonical",
  );
  invalid("not JSON", first.line.slice(0, -1), "malformed_json");
  invalid(
    "extra record field",
    canonicalize({ content, entry: base, extra: 1 }),
    "bad_record_shape",
  );
  invalid(
    "extra entry field",
    forge({ ...base, extra: true }, content),
    "bad_entry_shape",
  );
  invalid(
    "version 2",
    forge({ ...base, v: 2 }, content),
    "unsupported_version",
  );
  invalid(
    "author key too short",
    forge({ ...base, author: base.author.slice(1) }, content),
    "bad_author",
  );
  const lastChar = base.author.at(-1)!;
  const twin =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".indexOf(
      lastChar,
    ) ^ 1;
  invalid(
    "author key with non-zero unused bits",
    forge({
      ...base,
      author: base.author.slice(0, -1) +
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[
          twin
        ],
    }, content),
    "bad_author",
  );
  invalid("seq 0", forge({ ...base, seq: 0 }, content), "bad_seq");
  invalid(
    "seq 1 with a prev",
    forge({ ...base, prev: retract.id }, content),
    "bad_prev",
  );
  invalid(
    "seq 2 without prev",
    forge({ ...base, seq: 2 }, content),
    "bad_prev",
  );
  invalid(
    "fractional timestamp is not canonical JSON",
    first.line.replace(`"ts":${base.ts}`, `"ts":${base.ts}.5`),
    "non_canonical",
  );
  invalid(
    "timestamp 11 minutes ahead",
    forge({ ...base, ts: NOW + 11 * 60_000 }, content),
    "timestamp_in_future",
  );
  invalid(
    "unknown type",
    forge({ ...base, type: "poll" }, content),
    "unknown_type",
  );
  invalid(
    "content hash not base64url",
    forge({ ...base, contentHash: "x" }, content),
    "bad_content_hash",
  );
  invalid(
    "signature too short",
    canonicalize({ content, entry: { ...base, sig: base.sig.slice(2) } }),
    "bad_signature_encoding",
  );
  invalid(
    "content does not match its hash",
    canonicalize({ content: { text: "Hello, Kith!" }, entry: base }),
    "content_mismatch",
  );
  const withContent = (
    name: string,
    body: Record<string, unknown>,
    type: EntryType,
    error: string,
  ) => {
    const hash = encodeBase64Url(
      sha256(new TextEncoder().encode(canonicalize(body))),
    );
    invalid(name, forge({ ...base, type, contentHash: hash }, body), error);
  };
  withContent("post without text", { cw: "x" }, "post", "bad_content");
  withContent("blank post", { text: "   " }, "post", "bad_content");
  withContent(
    "reply without root",
    { text: "hi", parent: first.id },
    "post",
    "bad_content",
  );
  withContent(
    "text of 5,001 characters",
    { text: "x".repeat(5_001) },
    "post",
    "text_too_long",
  );
  withContent(
    "21 tags",
    { text: "t", tags: Array.from({ length: 21 }, (_, i) => `t${i}`) },
    "post",
    "too_many_tags",
  );
  withContent(
    "uppercase tag",
    { text: "t", tags: ["Garden"] },
    "post",
    "bad_content",
  );
  withContent(
    "51 mentions",
    {
      text: "m",
      mentions: Array.from(
        { length: 51 },
        (_, i) => encodeBase64Url(sha256(new Uint8Array([i]))),
      ),
    },
    "post",
    "too_many_mentions",
  );
  withContent(
    "17 recipients",
    {
      to: Array.from(
        { length: 17 },
        (_, i) => encodeBase64Url(sha256(new Uint8Array([i]))),
      ),
      box: "AAAA",
    },
    "dm",
    "too_many_recipients",
  );
  withContent(
    "unknown content field",
    { text: "t", poll: ["a", "b"] },
    "post",
    "bad_content",
  );
  withContent(
    "javascript avatar",
    { avatar: "javascript:alert(1)" },
    "profile",
    "bad_content",
  );
  withContent(
    "content over 60,000 bytes",
    { to: [bob.key], box: "A".repeat(60_000) },
    "dm",
    "content_too_large",
  );
  invalid(
    "record over 62,000 bytes",
    canonicalize({ content: { text: "x".repeat(62_001) }, entry: base }),
    "record_too_large",
  );
  invalid(
    "signed by someone else",
    forge({ ...base }, content, bob.secretKey),
    "invalid_signature",
  );
  invalid(
    "signature of another entry",
    canonicalize({
      content,
      entry: {
        ...base,
        sig: (JSON.parse(retract.line) as { entry: Entry }).entry.sig,
      },
    }),
    "invalid_signature",
  );
  return cases;
}

/** The whole vector file as text. */
export function generateFile(): string {
  return JSON.stringify(
    {
      description:
        "Kith protocol v1 records with the verdict every implementation must reach " +
        "(error null = valid, with its entry id). Generated once by tests/vectors/generate_records.ts; frozen.",
      now: NOW,
      authors: { alice: alice.key, bob: bob.key },
      cases: generateCases(),
    },
    null,
    2,
  ) + "\n";
}

if (import.meta.main) {
  const target = new URL("./records.json", import.meta.url);
  if (!Deno.args.includes("--write")) {
    console.log(
      "Dry run; pass --write to replace tests/vectors/records.json (only for a new protocol version).",
    );
    console.log(generateFile().slice(0, 2000));
  } else {
    await Deno.writeTextFile(target, generateFile());
    console.log(`Wrote ${target.pathname}`);
  }
}
