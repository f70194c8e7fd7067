import { Fragment } from "preact";
import type { TextPart } from "../lib/browser/conversations.ts";

/**
 * A line made of parts (see `TextPart`): this app's words as text, each
 * piece of text someone else chose in a `<bdi>` of its own, so a direction
 * override in one name cannot reorder the next one or the words around it.
 * Browser-safe: the messages islands render with it.
 *
 * @example
 * ```tsx
 * <TextParts parts={[{ isolate: "Ada" }, " left the group"]} />
 * // <bdi>Ada</bdi> left the group
 * ```
 */
export function TextParts(props: { parts: readonly TextPart[] }) {
  return (
    <>
      {props.parts.map((part, i) => (
        <Fragment key={i}>
          {typeof part === "string" ? part : <bdi>{part.isolate}</bdi>}
        </Fragment>
      ))}
    </>
  );
}
