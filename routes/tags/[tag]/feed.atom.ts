/** GET: the newest posts with the tag as Atom 1.0 (docs/feeds.md). */
import { tagFeedHandler } from "../../../lib/app/feed_routes.ts";

export const handler = tagFeedHandler("atom");
