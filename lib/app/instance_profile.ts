/**
 * The instance's name and description as its owner set them on /admin
 * (or with `kith admin name|description`). A name set here wins over
 * `--name`; cleared, the configured name shows again.
 *
 * | Key | Value |
 * | --- | --- |
 * | `["instance", "profile"]` | `{ name?: string, description?: string }` |
 *
 * @module
 */
import { HttpError } from "../web/http_error.ts";

/** Longest instance name, in characters (as `--name`). */
export const MAX_INSTANCE_NAME = 64;
/** Longest instance description, in characters. */
export const MAX_INSTANCE_DESCRIPTION = 500;

const KEY = ["instance", "profile"];

/** What the owner set; an absent field falls back to the configuration. */
export interface InstanceProfile {
  name?: string;
  description?: string;
}

/**
 * The stored profile (empty when the owner never set one).
 *
 * @example
 * ```ts
 * const { name } = await loadInstanceProfile(kv);
 * ```
 */
export async function loadInstanceProfile(
  kv: Deno.Kv,
): Promise<InstanceProfile> {
  const value = (await kv.get<InstanceProfile>(KEY)).value;
  return value ?? {};
}

/**
 * Validates and stores one or both fields; a blank field clears it. The
 * other field keeps its stored value.
 *
 * @throws {HttpError} 400 `bad_name` or `bad_description` (too long,
 * control characters, not a string).
 * @example
 * ```ts
 * await saveInstanceProfile(kv, { name: "Garden" });
 * ```
 */
export async function saveInstanceProfile(
  kv: Deno.Kv,
  fields: { name?: unknown; description?: unknown },
): Promise<InstanceProfile> {
  const next = { ...await loadInstanceProfile(kv) };
  if (fields.name !== undefined) {
    next.name = checked(fields.name, {
      max: MAX_INSTANCE_NAME,
      field: "name",
      lines: false,
    });
  }
  if (fields.description !== undefined) {
    next.description = checked(fields.description, {
      max: MAX_INSTANCE_DESCRIPTION,
      field: "description",
      lines: true,
    });
  }
  const stored: InstanceProfile = {};
  if (next.name) stored.name = next.name;
  if (next.description) stored.description = next.description;
  await kv.set(KEY, stored);
  return stored;
}

function checked(
  value: unknown,
  rule: { max: number; field: string; lines: boolean },
): string | undefined {
  const text = typeof value === "string"
    ? value.replace(/\r\n?/g, "\n").trim()
    : undefined;
  // Newlines may stay in a description; every other control character is
  // refused.
  const checkedText = rule.lines ? text?.replaceAll("\n", " ") : text;
  if (
    text === undefined || [...text].length > rule.max ||
    /\p{Cc}/u.test(checkedText!)
  ) {
    throw new HttpError(
      400,
      `The instance ${rule.field} must be text of at most ${rule.max} characters without control characters`,
      { reason: `bad_${rule.field}` },
    );
  }
  return text || undefined;
}
