import type { Profile } from "../lib/app/profiles.ts";

// The one form of picture a profile may carry as data (the protocol's own
// rule): a raster image that cannot hold script, in base64.
const DATA_IMAGE =
  /^data:image\/(?:png|jpeg|webp);base64,[A-Za-z0-9+/]+={0,2}$/;

/**
 * The author's picture when their profile carries one as data. Pictures
 * named by URL are not loaded: fetching them would tell a third party who
 * reads what.
 */
export function Avatar(
  props: { profile?: Profile; size?: "small" | "large" },
) {
  const src = props.profile?.avatar;
  if (typeof src !== "string" || !DATA_IMAGE.test(src)) return null;
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
