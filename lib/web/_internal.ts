/** Helpers private to lib/web. @module */

/** Lowercase hex of `bytes`. */
export function encodeHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join(
    "",
  );
}

/** SHA-256 of `bytes` (or of the bytes of several buffers), as hex. */
export async function sha256Hex(
  parts: Uint8Array<ArrayBuffer>[],
): Promise<string> {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return encodeHex(
    new Uint8Array(await crypto.subtle.digest("SHA-256", joined)),
  );
}

/** Whether the client would rather read JSON than an HTML page. */
export function prefersJson(req: Request, pathname: string): boolean {
  if (pathname === "/api" || pathname.startsWith("/api/")) return true;
  const accept = req.headers.get("accept") ?? "";
  return accept.includes("json") && !accept.includes("text/html");
}
