import { EmptyState } from "../components/empty_state.tsx";
import { EntryList } from "../components/entry_list.tsx";
import {
  type AuthorResults,
  search,
  SEARCH_LIMITS,
  type SearchView,
  type TagCount,
  type TagResults,
} from "../lib/app/search.ts";
import type { AppState } from "../lib/instance/mod.ts";
import { Head, type PageProps, type RouteContext } from "../lib/web/mod.ts";

export const handler = {
  async GET(ctx: RouteContext<AppState>) {
    return ctx.render(await search(ctx.state.instance, ctx.url));
  },
};

const number = (n: number) => n.toLocaleString("en-US");

export default function SearchPage({ data }: PageProps<SearchView, AppState>) {
  const { query } = data;
  return (
    <section aria-labelledby="search-title" class="search-page">
      <Head>
        <title>{query.text ? `Search: ${query.text}` : "Search"}</title>
      </Head>
      <h1 id="search-title">Search</h1>
      <form role="search" method="get" action="/search" class="search-form">
        <label for="search-q">
          Words, #hashtags, @authors or a fingerprint
        </label>
        <div class="search-row">
          <input
            id="search-q"
            type="search"
            name="q"
            value={query.text}
            maxLength={SEARCH_LIMITS.queryChars}
            autocomplete="off"
          />
          <button type="submit" class="button">Search</button>
        </div>
      </form>
      {query.text ? <Results data={data} /> : <Tips />}
    </section>
  );
}

function Tips() {
  return (
    <div class="search-tips">
      <h2>What you can search</h2>
      <ul>
        <li>
          <strong>Words</strong>: <code>coffee zurich</code>{" "}
          finds recent posts containing every word, whatever the case or accents
          (<code>zurich</code> finds “Zürich”).
        </li>
        <li>
          <strong>Hashtags</strong>: <code>#deno</code>{" "}
          shows the hashtag, how many posts carry it and similar tags, and finds
          recent posts tagged with it.
        </li>
        <li>
          <strong>Authors</strong>: a profile name (<code>ada</code>), a handle
          {" "}
          (<code>@ada_lovelace</code>), a fingerprint (<code>
            7K2M-QX9D
          </code>) or the first characters (six or more) of an author key.
        </li>
      </ul>
      <p class="muted">
        Search looks through what this instance holds, newest posts first.
      </p>
    </div>
  );
}

function Results({ data }: { data: SearchView }) {
  const { query, continued } = data;
  // A plain word names a tag too; show it only when it leads somewhere.
  const tags = data.tags &&
      (query.tags.length > 0 || data.tags.tag.count > 0 ||
        data.tags.related.length > 0)
    ? data.tags
    : null;
  const nothing = !data.authors?.authors.length && !tags &&
    !data.posts?.view.items.length;
  return (
    <>
      {!continued && data.authors && <Authors results={data.authors} />}
      {!continued && tags && <Tags results={tags} />}
      {data.posts
        ? <Posts data={data} />
        : (
          <section aria-labelledby="search-posts" class="search-group">
            <h2 id="search-posts">Posts</h2>
            <EmptyState title="No words to look for in posts">
              <p>
                Post search needs a word of two letters or more, or a{" "}
                <code>#hashtag</code>.
              </p>
            </EmptyState>
          </section>
        )}
      {nothing && !continued && (
        <p class="muted">
          Nothing here matches “{query.text}”. Try fewer or shorter words, a
          {" "}
          <code>#hashtag</code>, or browse the{" "}
          <a href="/federated">federated timeline</a>.
        </p>
      )}
    </>
  );
}

function Authors({ results }: { results: AuthorResults }) {
  return (
    <section aria-labelledby="search-authors" class="search-group">
      <h2 id="search-authors">Authors</h2>
      {results.authors.length === 0
        ? (
          <EmptyState title="No authors match">
            <p>
              Try part of a profile name, a handle like{" "}
              <code>@ada_lovelace</code>, a whole fingerprint like{" "}
              <code>7K2M-QX9D</code>, or the first six or more characters of a
              key.
            </p>
          </EmptyState>
        )
        : (
          <ul class="author-list">
            {results.authors.map((hit) => (
              <li key={hit.author}>
                <a href={`/authors/${hit.author}`}>
                  <strong>
                    <bdi>{hit.profile?.name ?? hit.handle}</bdi>
                  </strong>
                </a>{" "}
                <span class="muted">
                  <span class="handle">
                    <bdi>{hit.handle}</bdi>
                  </span>{" "}
                  · <span class="fingerprint">{hit.fingerprint}</span>
                </span>
              </li>
            ))}
          </ul>
        )}
      {results.truncated && (
        <p class="muted">
          Only the first {number(SEARCH_LIMITS.profileScan)}{" "}
          authors this instance knows were searched.
        </p>
      )}
    </section>
  );
}

function tagCount({ count, more }: TagCount): string {
  const n = more ? `${number(count)}+` : number(count);
  return `${n} ${count === 1 && !more ? "post" : "posts"}`;
}

function Tags({ results }: { results: TagResults }) {
  const { tag, related } = results;
  return (
    <section aria-labelledby="search-tags" class="search-group">
      <h2 id="search-tags">Hashtags</h2>
      <ul class="tag-results">
        <li>
          <a href={`/tags/${encodeURIComponent(tag.tag)}`} class="hashtag">
            #{tag.tag}
          </a>{" "}
          <span class="muted">{tagCount(tag)}</span>
        </li>
        {related.map((other) => (
          <li key={other.tag}>
            <a href={`/tags/${encodeURIComponent(other.tag)}`} class="hashtag">
              #{other.tag}
            </a>{" "}
            <span class="muted">{tagCount(other)}</span>
          </li>
        ))}
      </ul>
      {tag.count === 0 && related.length === 0 && (
        <p class="muted">
          No post here carries #{tag.tag} or a tag starting with it yet.
        </p>
      )}
    </section>
  );
}

function Posts({ data }: { data: SearchView }) {
  const posts = data.posts!;
  const scanned = number(posts.scanned);
  const noun = posts.scanned === 1 ? "post" : "posts";
  let searched: string;
  if (posts.stoppedBy === "end") {
    searched = data.continued
      ? `Searched the remaining ${scanned} older ${noun}: that is everything held here.`
      : `Searched all ${scanned} ${noun} held here.`;
  } else {
    searched = data.continued
      ? `Searched ${scanned} more, older ${noun}.`
      : `Searched the newest ${scanned} ${noun}.`;
    if (posts.stoppedBy !== "matches") {
      searched += " Older posts were not searched yet.";
    }
  }
  return (
    <section aria-labelledby="search-posts" class="search-group">
      <h2 id="search-posts">{data.continued ? "More posts" : "Posts"}</h2>
      <p class="muted search-scope">{searched}</p>
      <EntryList
        view={posts.view}
        next={null}
        emptyTitle={data.continued
          ? "No more matching posts in this stretch"
          : "No recent posts match"}
      >
        <p>
          {posts.next
            ? "Search older posts below, or try other words."
            : "Try fewer words, another spelling, or a #hashtag."}
        </p>
      </EntryList>
      {posts.next && (
        <nav class="pager" aria-label="More">
          <a href={posts.next} rel="next" class="button">More results</a>
        </nav>
      )}
    </section>
  );
}
