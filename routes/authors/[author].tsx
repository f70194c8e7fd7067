import { EntryCard } from "../../components/entry_card.tsx";
import { EmptyState } from "../../components/empty_state.tsx";
import { authorSummary, parseAuthorParam } from "../../lib/app/mod.ts";
import type { AppState } from "../../lib/instance/mod.ts";
import type { Content, Entry } from "../../lib/protocol/mod.ts";
import { Head, type PageProps, type RouteContext } from "../../lib/web/mod.ts";

interface Data {
  author: string;
  count: number;
  forked: boolean;
  entries: { entry: Entry; content: Content | null; id: string }[];
}

export const handler = {
  async GET(ctx: RouteContext<AppState>) {
    const author = parseAuthorParam(ctx.params.author);
    const { store } = ctx.state.instance;
    const summary = await authorSummary(store, author);
    return ctx.render(
      { ...summary, entries: await store.newest(author, 50) } satisfies Data,
    );
  },
};

export default function AuthorPage({ data }: PageProps<Data, AppState>) {
  return (
    <section aria-labelledby="author-title">
      <Head>
        <title>Author {data.author.slice(0, 8)}</title>
      </Head>
      <h1 id="author-title" class="author-key">{data.author}</h1>
      <p class="muted">{data.count} entries in this author's log</p>
      {data.forked && (
        <p class="warning" role="alert">
          Forked: this author signed two different entries at the same position
          of their log.{" "}
          <a href={`/api/authors/${data.author}/forks`}>See the proof</a>
        </p>
      )}
      {data.entries.length === 0
        ? <EmptyState title="Nothing here yet" />
        : data.entries.map((item) => <EntryCard key={item.id} {...item} />)}
    </section>
  );
}
