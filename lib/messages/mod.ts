/**
 * Encrypted direct and group messages, browser-safe and pure apart from the
 * randomness `sealMessage` draws (injectable for test vectors). The server
 * uses only {@linkcode conversationKeyOf} and {@linkcode participantsOf} to
 * index `dm` entries; everything else runs in the reader's browser.
 * Specified in docs/messages.md.
 *
 * @example
 * ```ts
 * import { MessageKeys, openMessage, sealMessage } from "./lib/messages/mod.ts";
 *
 * const keys = new MessageKeys(alice.secretKey);
 * const box = sealMessage(keys, { to: [bob], payload: { kind: "message", text: "hi" } });
 * openMessage(new MessageKeys(bob.secretKey), { author: keys.author, to: [bob], box });
 * ```
 *
 * @module
 */
export {
  associatedData,
  BOX_VERSION,
  type Envelope,
  type Letter,
  openMessage,
  sealMessage,
} from "./box.ts";
export {
  conversationKeyOf,
  type ConversationView,
  directConversationKey,
  foldConversation,
  groupIdOf,
  type OpenedMessage,
  participantsOf,
} from "./conversation.ts";
export { MessageError, type MessageErrorReason } from "./errors.ts";
export { encryptionKeyOf, MessageKeys, SCHEME } from "./keys.ts";
export { BUCKETS, MAX_PLAINTEXT_BYTES, pad, unpad } from "./padding.ts";
export {
  assertValidPayload,
  decodePayload,
  encodePayload,
  GROUP_NAME_CHARS,
  GROUP_SALT_BYTES,
  type GroupStart,
  isValidPayload,
  MESSAGE_TEXT_CHARS,
  type MessagePayload,
} from "./payload.ts";
