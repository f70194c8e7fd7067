import type { Profile } from "../lib/app/profiles.ts";
import type { EntriesView, EntryStats } from "../lib/app/view.ts";
import {
  type CardModeration,
  type FlagLedger,
  moderationOf,
} from "../lib/app/moderation.ts";
import { EntryActions } from "../islands/entry_actions.tsx";
import { FlagAction } from "../islands/ledger_actions.tsx";
import { FollowButton } from "../islands/follow_button.tsx";
import { type CardView, shownCardView } from "../lib/app/card_view.ts";
import type { Content, Entry } from "../lib/protocol/mod.ts";
import { Avatar } from "./avatar.tsx";
import { DownrankLabel, Moderated } from "./moderated.tsx";
import { RichText } from "./rich_text.tsx";
import { shortKey } from "./short_key.tsx";
import { TimeAgo } from "./time_ago.tsx";

/** Props of {@linkcode EntryCard}. */
export interface EntryCardProps {
  entry: Entry;
  content: Content | null;
  id: string;
  /** The author's profile, when one is stored. */
  profile?: Profile;
  /** Author key to handle, for the authors the page shows or mentions. */
  handles?: ReadonlyMap<string, string>;
  now?: number;
  /** The post a thread page is about. */
  focused?: boolean;
  /** Likes, reposts and reactions; with them, the card offers actions. */
  stats?: EntryStats;
  /** Offer to follow the author (a signed-in reader who does not yet). */
  offerFollow?: boolean;
  /** For a repost: the post it shares, when held here. */
  shared?: EntryCardProps;
  /** The strongest verdict of an honoured ledger on the entry or its author. */
  moderation?: CardModeration | null;
  /** Ledgers the reader may flag the post in (the post page's actions). */
  flagLedgers?: FlagLedger[];
}

/**
 * One entry of a log or timeline, server-rendered; collapsed behind its
 * reason or labels when a ledger hides or warns it. An entry the card
 * cannot show (see lib/app/card_view.ts) becomes a small placeholder, so
 * the rest of the page still renders.
 */
export function EntryCard(props: EntryCardProps) {
  const view = shownCardView(props);
  if (view === null) return <UnshowableCard id={props.id} />;
  const { moderation } = props;
  if (moderation && moderation.kind !== "downranked") {
    return (
      <Moderated moderation={moderation}>
        <Card {...props} view={view} />
      </Moderated>
    );
  }
  return <Card {...props} view={view} />;
}

function UnshowableCard(props: { id: string }) {
  return (
    <article class="entry-card entry-unshowable" id={String(props.id)}>
      <p class="muted">This post could not be shown.</p>
    </article>
  );
}

type ShownProps = EntryCardProps & { view: CardView };

function Card(props: ShownProps) {
  const { entry, id, view } = props;
  const now = props.now ?? entry.ts;
  const classes = ["entry-card", props.focused ? "focused" : ""].join(" ")
    .trim();
  return (
    <article
      class={classes}
      id={id}
      aria-current={props.focused ? "true" : undefined}
    >
      <header>
        <a href={`/authors/${entry.author}`} class="entry-author">
          <Avatar profile={props.profile} />
          <strong>
            <bdi>{view.name}</bdi>
          </strong>{" "}
          <span class="muted">
            <bdi>{view.handle}</bdi> · {view.fingerprint}
          </span>
        </a>
        {props.offerFollow && (
          <FollowButton target={entry.author} following={false} compact />
        )}
        <a href={`/posts/${id}`} class="muted entry-time">
          <TimeAgo time={entry.ts} now={now} />
        </a>
      </header>
      {props.moderation?.kind === "downranked" && (
        <DownrankLabel moderation={props.moderation} />
      )}
      <EntryBody {...props} />
    </article>
  );
}

function EntryBody(props: ShownProps) {
  const { entry, view: { body } } = props;
  if (body.kind === "missing") {
    return <p class="muted">Content retracted or not held here.</p>;
  }
  if (body.kind === "post") {
    const text = (
      <p class="entry-text" dir="auto">
        <RichText tokens={body.tokens} />
      </p>
    );
    return (
      <>
        {body.parent && (
          <p class="muted reply-to">
            Replying to <a href={`/posts/${body.parent}`}>a post</a>
          </p>
        )}
        {body.cw
          ? (
            <details class="content-warning">
              <summary>{body.cw}</summary>
              {text}
            </details>
          )
          : text}
        <footer class="entry-actions">
          <a href={`/posts/${props.id}`}>
            {body.reply ? "Thread" : "Reply"}
          </a>
          {props.stats && (
            <EntryActions
              id={props.id}
              author={entry.author}
              {...props.stats}
            />
          )}
          {props.flagLedgers && props.flagLedgers.length > 0 && (
            <FlagAction
              subject={{ post: props.id, author: entry.author }}
              ledgers={props.flagLedgers}
            />
          )}
        </footer>
      </>
    );
  }
  if (body.kind === "repost") {
    return (
      <>
        <p class="muted repost-line">↻ reposted</p>
        {props.shared
          ? (
            <div class="shared">
              <EntryCard {...props.shared} />
            </div>
          )
          : (
            <p class="muted">
              <a href={`/posts/${body.target}`}>The post</a>{" "}
              is not held here yet.
            </p>
          )}
      </>
    );
  }
  return (
    <p class="muted">
      {body.type}
      {body.target ? ` ${shortKey(body.target)}` : ""}
    </p>
  );
}

/** Card props for the post a repost on the page shares, if held. */
export function sharedOf(
  view: EntriesView,
  item: { entry: Entry; content: Content | null },
): EntryCardProps | undefined {
  if (item.entry.type !== "repost" || !item.content) return undefined;
  const shared = view.reposted.get((item.content as { target: string }).target);
  if (!shared) return undefined;
  return {
    ...shared,
    profile: view.profiles.get(shared.entry.author),
    handles: view.handles,
    stats: view.stats.get(shared.id),
    now: view.now,
    moderation: moderationOf(view, shared),
  };
}
