import type { Profile } from "../lib/app/profiles.ts";

/**
 * The author's picture when their profile carries one as data. Pictures
 * named by URL are not loaded: fetching them would tell a third party who
 * reads what.
 */
export function Avatar(
  props: { profile?: Profile; size?: "small" | "large" },
) {
  const src = props.profile?.avatar;
  if (!src?.startsWith("data:image/")) return null;
  const size = props.size === "large" ? 96 : 40;
  return (
    <img
      class={`avatar ${props.size ?? "small"}`}
      src={src}
      alt=""
      width={size}
      height={size}
      loading="lazy"
      decoding="async"
    />
  );
}
