import { FormOutcome } from "../../components/form_outcome.tsx";
import {
  formError,
  readAdminForm,
  seeOtherWithNotice,
} from "../../lib/app/admin_form.ts";
import { EmptyState } from "../../components/empty_state.tsx";
import { changeBlock, parseBlockChange } from "../../lib/app/admin_blocks.ts";
import type { AppState } from "../../lib/instance/mod.ts";
import { type Block, MAX_BLOCK_NOTE } from "../../lib/store/blocks.ts";
import { Head, type PageProps, type RouteContext } from "../../lib/web/mod.ts";

interface Data {
  blocks: Block[];
  /** What the last post did, shown once. */
  notice?: string;
  error?: { message: string; reason: string };
  /** The author form prefilled (from an author page's link, or as sent). */
  author: string;
}

/** Where a post goes back to: the author page it came from, or here. */
function backTo(raw: string, notice: string): Response {
  return /^\/authors\/[A-Za-z0-9_-]{43}$/.test(raw)
    ? new Response(null, { status: 303, headers: { Location: raw } })
    : seeOtherWithNotice("/admin/blocks", notice);
}

export const handler = {
  GET(ctx: RouteContext<AppState>) {
    const { instance } = ctx.state;
    // The middleware sent anyone but the owner to the login.
    return ctx.render(
      {
        blocks: instance.blocks.list(),
        notice: ctx.url.searchParams.get("notice") ?? undefined,
        author: ctx.url.searchParams.get("author") ?? "",
      } satisfies Data,
    );
  },
  /** Block or unblock; the middleware checked the admin. */
  async POST(ctx: RouteContext<AppState>) {
    const { instance } = ctx.state;
    const form = await readAdminForm(ctx.req);
    const fields = Object.fromEntries(
      ["action", "kind", "subject", "note", "return"].map((name) => [
        name,
        form.has(name) ? String(form.get(name)) : undefined,
      ]),
    );
    try {
      const { notice } = await changeBlock(
        instance,
        parseBlockChange(fields),
      );
      return backTo(fields.return ?? "", notice);
    } catch (error) {
      const refused = formError(error);
      return ctx.render(
        {
          blocks: instance.blocks.list(),
          error: refused,
          author: fields.kind === "author" ? fields.subject ?? "" : "",
        } satisfies Data,
        { status: refused.status },
      );
    }
  },
};

export default function AdminBlocksPage({ data }: PageProps<Data, AppState>) {
  return (
    <section aria-labelledby="admin-title">
      <Head>
        <title>Admin: blocks</title>
      </Head>
      <h1 id="admin-title">Blocked authors and peers</h1>
      <p class="muted">
        A block is local to this instance: a blocked author's records are
        refused when they arrive and their posts, replies, reposts and
        notifications are not shown here; a blocked peer's connections and
        messages are refused. Nothing stored is deleted, so unblocking shows
        everything again and fetches what was refused meanwhile.{" "}
        <a href="/admin">Back to admin</a>
      </p>
      <FormOutcome notice={data.notice} error={data.error} />
      {data.blocks.length === 0
        ? (
          <EmptyState title="Nothing blocked">
            <p>Block an author or a peer below.</p>
          </EmptyState>
        )
        : <BlockTable blocks={data.blocks} />}
      <h2 id="block-author-title">Block an author</h2>
      <form
        method="post"
        action="/admin/blocks"
        class="admin-form"
        aria-labelledby="block-author-title"
      >
        <input type="hidden" name="action" value="block" />
        <input type="hidden" name="kind" value="author" />
        <label for="block-author">Author key or @handle</label>
        <input
          id="block-author"
          name="subject"
          value={data.author}
          autocomplete="off"
          spellcheck={false}
          required
        />
        <label for="block-author-note">Note (only you see it)</label>
        <input id="block-author-note" name="note" maxLength={MAX_BLOCK_NOTE} />
        <button type="submit" class="button">Block author</button>
      </form>
      <h2 id="block-peer-title">Block a peer</h2>
      <form
        method="post"
        action="/admin/blocks"
        class="admin-form"
        aria-labelledby="block-peer-title"
      >
        <input type="hidden" name="action" value="block" />
        <input type="hidden" name="kind" value="peer" />
        <label for="block-peer">Peer origin</label>
        <input
          id="block-peer"
          name="subject"
          placeholder="https://kith.example"
          autocomplete="off"
          spellcheck={false}
          required
          aria-describedby="block-peer-help"
        />
        <span id="block-peer-help" class="muted">
          A configured peer by its origin; inbound connections by the host of
          the origin (an inbound socket shows only its address).
        </span>
        <label for="block-peer-note">Note (only you see it)</label>
        <input id="block-peer-note" name="note" maxLength={MAX_BLOCK_NOTE} />
        <button type="submit" class="button">Block peer</button>
      </form>
    </section>
  );
}

function BlockTable(props: { blocks: Block[] }) {
  return (
    <div class="table-scroll">
      <table class="ledger-table">
        <caption class="visually-hidden">Blocks</caption>
        <thead>
          <tr>
            <th scope="col">Blocked</th>
            <th scope="col">Kind</th>
            <th scope="col">Since</th>
            <th scope="col">Note</th>
            <th scope="col">Action</th>
          </tr>
        </thead>
        <tbody>
          {props.blocks.map((block) => (
            <tr key={`${block.kind} ${block.subject}`}>
              <th scope="row">
                {block.kind === "author"
                  ? (
                    <a href={`/authors/${block.subject}`}>
                      <code class="wrap">{block.subject}</code>
                    </a>
                  )
                  : <code class="wrap">{block.subject}</code>}
              </th>
              <td>{block.kind}</td>
              <td>
                <time dateTime={new Date(block.at).toISOString()}>
                  {new Date(block.at).toISOString().slice(0, 16).replace(
                    "T",
                    " ",
                  )} UTC
                </time>
              </td>
              <td>{block.note}</td>
              <td>
                <form method="post" action="/admin/blocks">
                  <input type="hidden" name="action" value="unblock" />
                  <input type="hidden" name="kind" value={block.kind} />
                  <input type="hidden" name="subject" value={block.subject} />
                  <button
                    type="submit"
                    class="button small secondary"
                    aria-label={`Unblock ${block.kind} ${block.subject}`}
                  >
                    Unblock
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
