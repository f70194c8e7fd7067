/**
 * Fuzz suite of the content schemas (content.ts, limits.ts) as the record
 * verifier applies them: correctly signed records whose content is
 * generated near and across every rule of docs/protocol.md. The verdict of
 * verifyRecord must match an independent model of the document
 * (_content_model.ts): accepted exactly when the model finds nothing
 * wrong, and refused with the code of a rule the content really breaks.
 *
 * Generated cases per run: 2,000 (one property).
 *
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { verifyEd25519, verifyEd25519Sync } from "../crypto/mod.ts";
import {
  edgeStringArb,
  fuzzAuthor,
  hashArb,
  jsonishArb,
  nearHashArb,
  NOW,
  signedLine,
} from "./_arbitraries.ts";
import { contentViolations } from "./_content_model.ts";
import {
  canonicalize,
  type EntryType,
  LIMITS,
  ProtocolError,
  verifyRecord,
} from "./mod.ts";

const author = fuzzAuthor();
const encoder = new TextEncoder();

/** Mostly a value that keeps the rule, sometimes one near or across it. */
const field = (good: fc.Arbitrary<unknown>, edge: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 5, arbitrary: good },
    { weight: 1, arbitrary: edge },
    { weight: 1, arbitrary: jsonishArb },
  );

// Control characters are exactly what plain words leave out.
// deno-lint-ignore no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f]/g;
const wordsArb = fc.string({ unit: "grapheme-ascii", maxLength: 40 }).map((
  text,
) => `w ${text}`.replace(CONTROLS, "."));
const textArb = field(wordsArb, edgeStringArb);
const hashFieldArb = field(hashArb, nearHashArb);
const keysArb = (max: number) =>
  field(
    fc.uniqueArray(hashArb, { minLength: 1, maxLength: 4 }),
    fc.oneof(
      fc.constant([]),
      fc.array(hashArb, { minLength: max - 1, maxLength: max + 1 }),
      fc.array(hashArb, { minLength: 1, maxLength: 3 }).map((keys) => [
        ...keys,
        keys[0],
      ]),
      fc.array(nearHashArb, { minLength: 1, maxLength: 3 }),
    ),
  );
const tagArb = fc.oneof(
  fc.stringMatching(/^[a-z0-9_]{1,10}$/),
  fc.constantFrom(
    "caf\u00e9",
    "cafe\u0301",
    "Kith",
    "\u0130",
    "\u01c5",
    "stra\u00dfe",
    "\u0939\u093f\u0928\u094d\u0926\u0940",
    "#tag",
    "",
    "a b",
    "a".repeat(64),
    "a".repeat(65),
  ),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 6 }),
  jsonishArb,
);
const tagsArb = field(
  fc.uniqueArray(fc.stringMatching(/^[a-z0-9_]{1,12}$/), { maxLength: 5 }),
  fc.oneof(
    fc.array(tagArb, { maxLength: 4 }),
    fc.constant(["twice", "twice"]),
    fc.uniqueArray(fc.stringMatching(/^[a-z0-9_]{1,8}$/), {
      minLength: 19,
      maxLength: 21,
    }),
  ),
);
const avatarArb = field(
  fc.webUrl({ validSchemes: ["https"] }),
  fc.oneof(
    fc.constantFrom(
      "https://exa mple/",
      "https://[::1",
      "http://kith.example/me.png",
      "data:image/webp;base64,UklGRg==",
      "data:image/png;base64,",
      "data:image/svg+xml;base64,PHN2Zz4=",
    ),
    fc.integer({ min: 2_030, max: 2_060 }).map((n) =>
      "https://k.example/" + "a".repeat(n - 18)
    ),
    fc.integer({ min: 47_990, max: 48_010 }).map((n) =>
      "data:image/png;base64," + "A".repeat(n - 22)
    ),
    edgeStringArb,
  ),
);
const reactionArb = field(
  fc.constantFrom("like", "\u{1f44d}", "\u{1f44d}\u{1f3fd}", "\u2764\ufe0f"),
  fc.oneof(
    fc.constantFrom(
      "Like",
      "\u{1f600}".repeat(16),
      "\u{1f600}".repeat(17),
      "\u{1f600}\u0000",
      "a\u{1f600}",
    ),
    edgeStringArb,
  ),
);
const boxArb = field(
  fc.base64String({ minLength: 4 }).map((text) =>
    text.replace(/=+$/, "").replaceAll("+", "-").replaceAll("/", "_")
  ),
  fc.oneof(fc.base64String(), edgeStringArb),
);
const txArb = field(fc.dictionary(fc.string(), jsonishArb), edgeStringArb);

/** Field generators of each type; [required, optional]. */
const FIELDS: Record<
  EntryType,
  [Record<string, fc.Arbitrary<unknown>>, Record<string, fc.Arbitrary<unknown>>]
> = {
  post: [{ text: textArb }, {
    mentions: keysArb(LIMITS.mentions),
    tags: tagsArb,
    cw: textArb,
  }],
  repost: [{ target: hashFieldArb, targetAuthor: hashFieldArb }, {}],
  react: [{
    target: hashFieldArb,
    targetAuthor: hashFieldArb,
    reaction: reactionArb,
  }, {}],
  retract: [{ target: hashFieldArb }, {}],
  profile: [{}, { name: textArb, bio: textArb, avatar: avatarArb }],
  follow: [{ target: hashFieldArb }, {}],
  unfollow: [{ target: hashFieldArb }, {}],
  dm: [{ to: keysArb(LIMITS.recipients), box: boxArb }, {
    conv: hashFieldArb,
  }],
  ledger: [{ ledger: hashFieldArb, tx: txArb }, {}],
};

/** A post's thread fields: both, neither, or one of them. */
const replyArb = fc.oneof(
  fc.constant({}),
  fc.record({ root: hashFieldArb, parent: hashFieldArb }),
  fc.record({ root: hashFieldArb, parent: hashFieldArb }, { requiredKeys: [] }),
);

/** `arbitrary` one time in twenty, null otherwise. */
const rarely = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 19, arbitrary: fc.constant(null) }, {
    weight: 1,
    arbitrary,
  });

const strayArb = fc.tuple(
  fc.constantFrom("__proto__", "constructor", "toString", "type", "Text", ""),
  jsonishArb,
);

const contentArb = fc.constantFrom(...Object.keys(FIELDS) as EntryType[])
  .chain((type) =>
    fc.record({
      type: fc.constant(type),
      required: fc.record(FIELDS[type][0]),
      optional: fc.record(FIELDS[type][1], { requiredKeys: [] }),
      reply: type === "post" ? replyArb : fc.constant({}),
      drop: rarely(fc.constantFrom(null, ...Object.keys(FIELDS[type][0]))),
      stray: rarely(strayArb),
      shape: rarely(jsonishArb.map((value) => ({ value }))),
    })
  )
  .map(({ type, required, optional, reply, drop, stray, shape }) => {
    const content: Record<string, unknown> = {
      ...required,
      ...optional,
      ...reply,
    };
    if (drop) delete content[drop];
    if (stray) {
      Object.defineProperty(content, stray[0], {
        value: stray[1],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return { type, content: shape ? shape.value : content };
  });

Deno.test("fuzz: signed records with generated content get the verdict of the protocol's content rules", async () => {
  let accepted = 0;
  let refused = 0;
  await fc.assert(
    fc.asyncProperty(contentArb, async ({ type, content }) => {
      const { line, canonical } = signedLine(author, { type, content });
      let verdict: string;
      try {
        const record = await verifyRecord(line, {
          now: NOW,
          verify: verifyEd25519,
        });
        assert.equal(record.line, line);
        verdict = "accepted";
      } catch (error) {
        assert.ok(error instanceof ProtocolError, String(error));
        assert.match(error.message, /^Cannot accept (record|content): \S/);
        verdict = error.code;
        refused++;
      }
      const expected = expectedVerdicts(type, content, line, canonical);
      assert.ok(
        expected.includes(verdict),
        `${verdict} is not one of ${expected.join(", ")} for ${type} ${
          line.slice(0, 300)
        }`,
      );
      if (verdict === "accepted") {
        if (content !== null) accepted++;
        // The browser's verifier must agree on what the server accepts.
        await verifyRecord(line, { now: NOW, verify: verifyEd25519Sync });
      }
    }),
    { numRuns: 2_000 },
  );
  // The generators must reach both sides of the rules, or the model
  // comparison proves little.
  assert.ok(accepted >= 300, `only ${accepted} of 2000 records were valid`);
  assert.ok(refused >= 300, `only ${refused} of 2000 records were refused`);
});

/** What the document allows the verifier to answer for this record. */
function expectedVerdicts(
  type: EntryType,
  content: unknown,
  line: string,
  canonical: boolean,
): string[] {
  if (encoder.encode(line).length > LIMITS.recordBytes) {
    return ["record_too_large"];
  }
  if (!canonical) return ["non_canonical"];
  // A record may leave its content out; the entry alone is then checked.
  if (content === null) return ["accepted"];
  if (
    encoder.encode(canonicalize(content)).length > LIMITS.contentBytes
  ) return ["content_too_large"];
  const violations = contentViolations(type, content);
  return violations.length === 0 ? ["accepted"] : violations;
}
