import { MarkReadButton } from "../islands/mark_read_button.tsx";
import { LiveBanner } from "../islands/live_banner.tsx";
import { Avatar } from "../components/avatar.tsx";
import { EmptyState } from "../components/empty_state.tsx";
import { EntryCard } from "../components/entry_card.tsx";
import { shortKey } from "../components/short_key.tsx";
import { TimeAgo } from "../components/time_ago.tsx";
import {
  type Notification,
  notificationHref,
  type NotificationsView,
  notificationsView,
  notificationText,
  unreadLabel,
} from "../lib/app/notifications.ts";
import { viewerOf } from "../lib/app/viewer.ts";
import { moderationOf, withVerdicts } from "../lib/app/moderation.ts";
import type { AppState } from "../lib/instance/mod.ts";
import { Head, type PageProps, type RouteContext } from "../lib/web/mod.ts";

type Data = { reader: null } | NotificationsView;

export const handler = {
  async GET(ctx: RouteContext<AppState>) {
    const reader = viewerOf(ctx.hono);
    const data: Data = reader
      ? await notificationsView(ctx.state.instance, ctx.url, reader)
      : { reader: null };
    if (data.reader !== null) {
      withVerdicts(data.view, ctx.state.instance.ledgers);
    }
    // The page depends on the reader's cookie and changes as entries arrive.
    return ctx.render(data, {
      headers: { "Cache-Control": "private, no-cache" },
    });
  },
};

export default function NotificationsPage(
  { data }: PageProps<Data, AppState>,
) {
  if (data.reader === null) {
    return (
      <section aria-labelledby="notifications-title">
        <Head>
          <title>Notifications</title>
        </Head>
        <h1 id="notifications-title">Notifications</h1>
        <EmptyState title="Sign in to see your notifications">
          <p>
            Notifications tell you who mentioned you, replied to your posts,
            reacted to or reposted them, and who followed you. They belong to an
            identity: <a href="/identity">create your identity</a>{" "}
            (or restore one from a backup) in this browser, and this page lists
            them.
          </p>
        </EmptyState>
      </section>
    );
  }
  const badge = unreadLabel(data.unread);
  return (
    <section aria-labelledby="notifications-title">
      <Head>
        <title>{badge ? `Notifications (${badge})` : "Notifications"}</title>
      </Head>
      <div class="notifications-header">
        <h1 id="notifications-title">
          Notifications{" "}
          {badge && (
            <span class="unread-count" aria-label={`${badge} unread`}>
              {badge}
            </span>
          )}
        </h1>
        <LiveBanner stream="notifications" immediate noun="notification" />
        {data.unread > 0 && data.newest !== null && (
          <MarkReadButton author={data.reader} upTo={data.newest} />
        )}
      </div>
      {data.notifications.length === 0
        ? (
          <EmptyState title="No notifications yet">
            <p>
              When someone mentions you, replies to your posts, reacts to or
              reposts them, or follows you, it shows up here.
            </p>
          </EmptyState>
        )
        : (
          <ol class="notification-list">
            {data.notifications.map((notification) => (
              <NotificationItem
                key={notification.item.id}
                notification={notification}
                view={data.view}
              />
            ))}
          </ol>
        )}
      {data.next && (
        <nav class="pager" aria-label="More">
          <a href={data.next} rel="next" class="button">
            Older notifications
          </a>
        </nav>
      )}
    </section>
  );
}

function NotificationItem(
  props: { notification: Notification; view: NotificationsView["view"] },
) {
  const { notification, view } = props;
  const { entry, id } = notification.item;
  const profile = view.profiles.get(entry.author);
  const post = notification.kind === "mention" ||
    notification.kind === "reply";
  return (
    <li
      class={notification.unread ? "notification unread" : "notification"}
      data-kind={notification.kind}
    >
      <p class="notification-line">
        {notification.unread && <span class="unread-mark">New</span>}
        <a href={`/authors/${entry.author}`} class="notification-actor">
          <Avatar profile={profile} />
          <strong>{profile?.name ?? shortKey(entry.author)}</strong>
        </a>{" "}
        <a href={notificationHref(notification)}>
          {notificationText(notification)}
        </a>{" "}
        <span class="muted">
          · <TimeAgo time={notification.time} now={view.now} />
        </span>
      </p>
      {post && (
        <EntryCard
          {...notification.item}
          profile={profile}
          handles={view.handles}
          stats={view.stats.get(id)}
          now={view.now}
          moderation={moderationOf(view, notification.item)}
        />
      )}
    </li>
  );
}
