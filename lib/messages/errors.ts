/**
 * The one error class of lib/messages, with a machine-readable reason.
 *
 * @module
 */

/** Why a message could not be sealed or opened. */
export type MessageErrorReason =
  /** The box is not a version-1 box of a valid length. */
  | "bad_box"
  /** The reader is neither the sender nor a recipient. */
  | "not_a_recipient"
  /** Authentication failed: tampered, truncated or not for this key. */
  | "cannot_decrypt"
  /** The plaintext is not a valid payload. */
  | "bad_payload"
  /** The payload's text is over the limit. */
  | "text_too_long"
  /** Recipients are missing, repeated, too many or not author keys. */
  | "bad_recipients"
  /** A key is not a usable 32-byte key. */
  | "bad_key";

/**
 * Thrown by lib/messages when a message cannot be sealed or opened.
 *
 * @example
 * ```ts
 * try { openMessage(reader, message); } catch (e) {
 *   if (e instanceof MessageError && e.reason === "cannot_decrypt") showMarker();
 * }
 * ```
 */
export class MessageError extends Error {
  /** Machine-readable reason. */
  readonly reason: MessageErrorReason;

  /** Creates the error; `message` should say what to fix. */
  constructor(reason: MessageErrorReason, message: string) {
    super(message);
    this.name = "MessageError";
    this.reason = reason;
  }
}
