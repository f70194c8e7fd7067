import assert from "node:assert/strict";
import { HttpError } from "../web/http_error.ts";
import {
  loadInstanceProfile,
  saveInstanceProfile,
} from "./instance_profile.ts";

Deno.test("the instance profile keeps each field apart, clears blanks and refuses bad text", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    assert.deepEqual(await loadInstanceProfile(kv), {});
    await saveInstanceProfile(kv, { name: "  Garden  " });
    await saveInstanceProfile(kv, { description: "Line one\r\nline two" });
    assert.deepEqual(await loadInstanceProfile(kv), {
      name: "Garden",
      description: "Line one\nline two",
    });
    const refused = async (
      fields: { name?: unknown; description?: unknown },
      reason: string,
    ) => {
      await assert.rejects(saveInstanceProfile(kv, fields), (error) => {
        assert.ok(error instanceof HttpError);
        assert.equal(error.status, 400);
        assert.equal(error.reason, reason);
        return true;
      });
    };
    await refused({ name: "x".repeat(65) }, "bad_name");
    await refused({ name: "tab\there" }, "bad_name");
    await refused({ name: "two\nlines" }, "bad_name");
    await refused({ name: 7 }, "bad_name");
    await refused({ description: "bell\u0007" }, "bad_description");
    await refused({ description: "y".repeat(501) }, "bad_description");
    assert.equal((await loadInstanceProfile(kv)).name, "Garden");
    assert.deepEqual(await saveInstanceProfile(kv, { name: " " }), {
      description: "Line one\nline two",
    });
  } finally {
    kv.close();
  }
});
