import { parseAuthorParam } from "../lib/app/mod.ts";
import { cursorOf, nextHref, paged } from "../lib/app/paging.ts";
import { type Profile, profilesOf } from "../lib/app/profiles.ts";
import { fingerprint, handleOf } from "../lib/identity/mod.ts";
import type { AppState } from "../lib/instance/mod.ts";
import { followList } from "../lib/store/mod.ts";
import { Head, type RouteContext } from "../lib/web/mod.ts";
import { EmptyState } from "./empty_state.tsx";

/** A page of an author's followers or follows. */
export interface FollowListData {
  author: string;
  kind: "follows" | "followers";
  authors: string[];
  profiles: Map<string, Profile>;
  next: string | null;
}

/** Reads one page of `kind` for the route's author. */
export async function followListPage(
  ctx: RouteContext<AppState>,
  kind: FollowListData["kind"],
): Promise<FollowListData> {
  const author = parseAuthorParam(ctx.params.author);
  const { kv } = ctx.state.instance;
  const cursor = cursorOf(ctx.url);
  const page = await paged(() =>
    followList(kv, kind, author, { limit: 50, cursor })
  );
  return {
    author,
    kind,
    authors: page.items,
    profiles: await profilesOf(kv, [author, ...page.items]),
    next: nextHref(ctx.url, page),
  };
}

/** The list, each author with name, handle and fingerprint. */
export function FollowList({ data }: { data: FollowListData }) {
  const owner = data.profiles.get(data.author)?.name ??
    handleOf(data.author);
  const title = data.kind === "follows"
    ? `Followed by ${owner}`
    : `Following ${owner}`;
  return (
    <section aria-labelledby="follow-list-title">
      <Head>
        <title>{title}</title>
      </Head>
      <h1 id="follow-list-title">{title}</h1>
      <p>
        <a href={`/authors/${data.author}`}>
          Back to <bdi>{owner}</bdi>
        </a>
      </p>
      {data.authors.length === 0
        ? (
          <EmptyState title="Nobody yet">
            <p>
              {data.kind === "follows"
                ? "This author follows nobody this instance knows of."
                : "Nobody this instance knows of follows this author yet."}
            </p>
          </EmptyState>
        )
        : (
          <ul class="author-list">
            {data.authors.map((author) => {
              const profile = data.profiles.get(author);
              return (
                <li key={author}>
                  <a href={`/authors/${author}`}>
                    <strong>
                      <bdi>{profile?.name ?? handleOf(author)}</bdi>
                    </strong>
                  </a>{" "}
                  <span class="muted">
                    <bdi>{handleOf(author, profile)}</bdi> ·{" "}
                    {fingerprint(author)}
                  </span>
                </li>
              );
            })}
          </ul>
        )}
      {data.next && (
        <nav class="pager" aria-label="More">
          <a href={data.next} rel="next" class="button">More</a>
        </nav>
      )}
    </section>
  );
}
