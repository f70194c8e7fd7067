/** GET: the author's newest posts as JSON Feed 1.1 (docs/feeds.md). */
import { authorFeedHandler } from "../../../lib/app/feed_routes.ts";

export const handler = authorFeedHandler("json");
