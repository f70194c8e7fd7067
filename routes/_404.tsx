import { Head, type PageProps } from "../lib/web/mod.ts";

export default function NotFound({ url }: PageProps) {
  return (
    <section class="error-page" aria-labelledby="error-title">
      <Head>
        <title>Not found</title>
      </Head>
      <p class="error-code">404</p>
      <h1 id="error-title">Nothing here</h1>
      <p>
        There is no page at{" "}
        <code>{url.pathname}</code>. It may have been retracted by its author,
        or the link is mistyped.
      </p>
      <p>
        <a href="/">Back to the timeline</a>
      </p>
    </section>
  );
}
