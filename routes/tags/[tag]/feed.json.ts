/** GET: the newest posts with the tag as JSON Feed 1.1 (docs/feeds.md). */
import { tagFeedHandler } from "../../../lib/app/feed_routes.ts";

export const handler = tagFeedHandler("json");
