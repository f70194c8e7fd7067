import { Head } from "../lib/web/mod.ts";

/**
 * Feed discovery for a page: puts `<link rel="alternate">` elements for the
 * Atom feed and the JSON Feed at `${href}/feed.atom` and `${href}/feed.json`
 * into the document head, so readers find them from the page's address.
 *
 * @example
 * ```tsx
 * <FeedLinks href={`/authors/${author}`} title={`Posts by ${name}`} />
 * ```
 */
export function FeedLinks(props: { href: string; title: string }) {
  return (
    <Head>
      <link
        rel="alternate"
        type="application/atom+xml"
        title={`${props.title} (Atom)`}
        href={`${props.href}/feed.atom`}
      />
      <link
        rel="alternate"
        type="application/feed+json"
        title={`${props.title} (JSON Feed)`}
        href={`${props.href}/feed.json`}
      />
    </Head>
  );
}
