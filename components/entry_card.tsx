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
import { fingerprint, handleOf } from "../lib/identity/mod.ts";
import type { Content, Entry, PostContent } from "../lib/protocol/mod.ts";
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
 * reason or labels when a ledger hides or warns it.
 */
export function EntryCard(props: EntryCardProps) {
  const { moderation } = props;
  if (moderation && moderation.kind !== "downranked") {
    return (
      <Moderated moderation={moderation}>
        <Card {...props} />
      </Moderated>
    );
  }
  return <Card {...props} />;
}

function Card(props: EntryCardProps) {
  const { entry, content, id, profile } = props;
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
          <Avatar profile={profile} />
          <strong>{profile?.name ?? shortKey(entry.author)}</strong>{" "}
          <span class="muted">
            {handleOf(entry.author, profile)} · {fingerprint(entry.author)}
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
      {content === null
        ? <p class="muted">Content retracted or not held here.</p>
        : <EntryBody {...props} content={content} />}
    </article>
  );
}

function EntryBody(props: EntryCardProps & { content: Content }) {
  const { entry, content, handles } = props;
  if (entry.type === "post") {
    const post = content as PostContent;
    const body = (
      <p class="entry-text">
        <RichText text={post.text} handles={mentionedHandles(post, handles)} />
      </p>
    );
    return (
      <>
        {post.parent && (
          <p class="muted reply-to">
            Replying to <a href={`/posts/${post.parent}`}>a post</a>
          </p>
        )}
        {post.cw
          ? (
            <details class="content-warning">
              <summary>{post.cw}</summary>
              {body}
            </details>
          )
          : body}
        <footer class="entry-actions">
          <a href={`/posts/${props.id}`}>
            {post.root ? "Thread" : "Reply"}
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
  const target = (content as { target?: string }).target;
  if (entry.type === "repost" && target) {
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
              <a href={`/posts/${target}`}>The post</a> is not held here yet.
            </p>
          )}
      </>
    );
  }
  return <p class="muted">{entry.type}{target ? ` ${shortKey(target)}` : ""}
  </p>;
}

/**
 * Handle to key for the authors this post mentions: an `@name` links only
 * to an author the post itself names, never to another with that handle.
 */
function mentionedHandles(
  post: PostContent,
  handles: ReadonlyMap<string, string> | undefined,
): Map<string, string> {
  const own = new Map<string, string>();
  for (const key of post.mentions ?? []) {
    const handle = handles?.get(key);
    if (handle) own.set(handle, key);
  }
  return own;
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
