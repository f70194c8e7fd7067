/**
 * Key files: an author's key pair as JSON, readable by its owner only.
 *
 * @module
 */
import { publicKeyOf } from "../crypto/mod.ts";
import { decodeBase64Url, encodeBase64Url } from "../protocol/mod.ts";

/** An author's keys. */
export interface KeyFile {
  /** Author key, base64url. */
  author: string;
  secretKey: Uint8Array;
}

/**
 * Writes a new key file with permissions 0600; never overwrites one.
 *
 * @throws {Error} `Cannot write key file: <path> exists; …` when it exists.
 *
 * @example
 * ```ts
 * await writeKeyFile("kith-key.json", generateKeyPair().secretKey);
 * ```
 */
export async function writeKeyFile(
  path: string,
  secretKey: Uint8Array,
): Promise<KeyFile> {
  const author = encodeBase64Url(publicKeyOf(secretKey));
  const text = JSON.stringify(
    { kith: "key", author, secretKey: encodeBase64Url(secretKey) },
    null,
    2,
  ) + "\n";
  try {
    await Deno.writeTextFile(path, text, { createNew: true, mode: 0o600 });
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) {
      throw new Error(
        `Cannot write key file: ${path} exists; choose another path with --key or move it away`,
      );
    }
    throw error;
  }
  // The mode of createNew is filtered by the umask; make 0600 certain.
  await Deno.chmod(path, 0o600);
  return { author, secretKey };
}

/**
 * Reads a key file and checks that its secret key gives its author key.
 * A key file other users may read or write is refused, as ssh does: the
 * key may already be out, and the owner should know.
 *
 * @throws {Error} When the file is missing, open to other users (e.g.
 * `Cannot read key file: k.json is open to other users (mode 0644); make it
 * private with "chmod 600 k.json"`), not a key file, or inconsistent.
 *
 * @example
 * ```ts
 * const { author, secretKey } = await readKeyFile("kith-key.json");
 * ```
 */
export async function readKeyFile(path: string): Promise<KeyFile> {
  let data: { kith?: string; author?: string; secretKey?: string } | null;
  try {
    await assertPrivate(path);
    data = JSON.parse(await Deno.readTextFile(path));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error(
        `Cannot read key file: ${path} does not exist; create one with "deno task kith keygen"`,
      );
    }
    if (error instanceof KeyFileModeError) throw error;
    throw new Error(`Cannot read key file: ${path} is not JSON`);
  }
  // JSON null parses too; it is no more a key file than a number is.
  const secretKey = typeof data?.secretKey === "string"
    ? decodeBase64Url(data.secretKey, { expectedBytes: 32 })
    : undefined;
  if (data?.kith !== "key" || !secretKey) {
    throw new Error(`Cannot read key file: ${path} is not a Kith key file`);
  }
  const author = encodeBase64Url(publicKeyOf(secretKey));
  if (author !== data.author) {
    throw new Error(
      `Cannot read key file: ${path} names author ${data.author} but holds the key of ${author}`,
    );
  }
  return { author, secretKey };
}

/** A key file open to other users; an Error like every refusal here. */
class KeyFileModeError extends Error {}

/** Throws unless only the owner may read or write `path`. */
async function assertPrivate(path: string): Promise<void> {
  // Windows has no mode bits: there mode is null and nothing is checked.
  const mode = (await Deno.stat(path)).mode;
  if (mode === null || (mode & 0o077) === 0) return;
  const octal = (mode & 0o777).toString(8).padStart(4, "0");
  throw new KeyFileModeError(
    `Cannot read key file: ${path} is open to other users (mode ${octal}); make it private with "chmod 600 ${path}"`,
  );
}
