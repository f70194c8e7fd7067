import { LiveBanner } from "../../islands/live_banner.tsx";
import { Avatar } from "../../components/avatar.tsx";
import { EntryList } from "../../components/entry_list.tsx";
import { FollowButton } from "../../islands/follow_button.tsx";
import { viewerOf } from "../../lib/app/viewer.ts";
import { KEYS } from "../../lib/store/mod.ts";
import { FeedLinks } from "../../components/feed_links.tsx";
import { LedgerName, Worded } from "../../components/moderated.tsx";
import { authorSummary, parseAuthorParam } from "../../lib/app/mod.ts";
import { type Profile, profilesOf } from "../../lib/app/profiles.ts";
import { authorTimeline, type TimelineView } from "../../lib/app/timelines.ts";
import {
  type CardModeration,
  cardModeration,
  type FlagLedger,
  flagLedgersOf,
} from "../../lib/app/moderation.ts";
import { strongestVerdict } from "../../lib/app/ledgers.ts";
import { FlagAction } from "../../islands/ledger_actions.tsx";
import { fingerprint, handleOf } from "../../lib/identity/mod.ts";
import type { AppState } from "../../lib/instance/mod.ts";
import { Head, type PageProps, type RouteContext } from "../../lib/web/mod.ts";
import type { Block } from "../../lib/store/blocks.ts";

interface Data extends TimelineView {
  author: string;
  count: number;
  forked: boolean;
  profile?: Profile;
  /** Whether the reader follows this author (null: not signed in). */
  following: boolean | null;
  /** The strongest ledger verdict on the author. */
  moderation: CardModeration | null;
  /** Honoured ledgers the reader may flag the author in. */
  flagLedgers: FlagLedger[];
  /** The owner's block of this author here, if any. */
  blocked: Block | null;
  /** Whether the reader is the instance's owner (block buttons post to /admin). */
  owner: boolean;
}

export const handler = {
  async GET(ctx: RouteContext<AppState>) {
    const author = parseAuthorParam(ctx.params.author);
    const { instance } = ctx.state;
    const summary = await authorSummary(instance.store, author);
    const timeline = await authorTimeline(instance, ctx.url, author);
    const viewer = viewerOf(ctx.hono);
    const blocked =
      instance.blocks.list().find((block) =>
        block.kind === "author" && block.subject === author
      ) ?? null;
    const following = viewer
      ? (await instance.kv.get(KEYS.follows(viewer, author))).value !== null
      : null;
    const strongest = strongestVerdict(
      timeline.view.verdicts.get(`author:${author}`),
    );
    return ctx.render(
      {
        ...summary,
        ...timeline,
        following,
        moderation: strongest ? cardModeration(strongest) : null,
        flagLedgers: flagLedgersOf(instance.ledgers),
        blocked,
        owner: viewer !== null && viewer === instance.admin.owner,
        // A blocked author's profile is not shown either.
        profile: blocked ? undefined : timeline.view.profiles.get(author) ??
          (await profilesOf(instance.kv, [author])).get(author),
      } satisfies Data,
    );
  },
};

export default function AuthorPage({ data }: PageProps<Data, AppState>) {
  const name = data.profile?.name;
  return (
    <section aria-labelledby="author-title">
      <Head>
        <title>{name ?? `Author ${data.author.slice(0, 8)}`}</title>
      </Head>
      <FeedLinks
        href={`/authors/${data.author}`}
        title={name ?? data.author.slice(0, 8)}
      />
      <header class="author-header">
        <Avatar profile={data.profile} size="large" />
        <h1 id="author-title">{name ?? handleOf(data.author)}</h1>
        <p class="muted">
          {handleOf(data.author, data.profile)} · fingerprint{" "}
          <strong>{fingerprint(data.author)}</strong>
        </p>
        <p class="author-key">{data.author}</p>
        {data.profile?.bio && <p class="author-bio">{data.profile.bio}</p>}
        <p class="muted">
          {data.count} entries in this author's log ·{" "}
          <a href={`/authors/${data.author}/following`}>Following</a> ·{" "}
          <a href={`/authors/${data.author}/followers`}>Followers</a>
        </p>
        <FollowButton
          target={data.author}
          following={data.following ?? false}
        />
        {data.flagLedgers.length > 0 && (
          <div class="author-flag">
            <FlagAction
              subject={{ author: data.author }}
              ledgers={data.flagLedgers}
            />
          </div>
        )}
      </header>
      {data.blocked && (
        <p class="warning" role="status" data-blocked="author">
          This author is blocked on this instance: their posts are not shown and
          their new records are refused here.
        </p>
      )}
      {data.owner && (
        <BlockButton
          author={data.author}
          blocked={data.blocked}
        />
      )}
      {data.moderation && (
        <p class="warning">
          <Worded moderation={data.moderation} />.{" "}
          <a href={data.moderation.href}>
            Why: the flags in <LedgerName name={data.moderation.name} />
          </a>
        </p>
      )}
      {data.forked && (
        <p class="warning" role="alert">
          Forked: this author signed two different entries at the same position
          of their log.{" "}
          <a href={`/api/authors/${data.author}/forks`}>See the proof</a>
        </p>
      )}
      <LiveBanner stream={`author:${data.author}`} />
      <EntryList
        later={data.later}
        view={data.view}
        next={data.next}
        emptyTitle="Nothing here yet"
      />
    </section>
  );
}

/**
 * The owner's block or unblock of this author: a form posting to
 * /admin/blocks, where the owner's session cookie goes (its path is /admin).
 */
function BlockButton(props: { author: string; blocked: Block | null }) {
  const action = props.blocked ? "unblock" : "block";
  return (
    <form method="post" action="/admin/blocks" class="inline-form">
      <input type="hidden" name="action" value={action} />
      <input type="hidden" name="kind" value="author" />
      <input type="hidden" name="subject" value={props.author} />
      <input type="hidden" name="return" value={`/authors/${props.author}`} />
      <button type="submit" class="button small secondary">
        {props.blocked ? "Unblock on this instance" : "Block on this instance"}
      </button>
    </form>
  );
}
