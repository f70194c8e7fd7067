/** GET: the author's newest posts as Atom 1.0 (docs/feeds.md). */
import { authorFeedHandler } from "../../../lib/app/feed_routes.ts";

export const handler = authorFeedHandler("atom");
