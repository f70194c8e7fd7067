import { Head, type PageProps } from "../lib/web/mod.ts";

export default function ErrorPage({ error }: PageProps) {
  const status = (error as { status?: number } | undefined)?.status ?? 500;
  const message = status < 500 && error instanceof Error
    ? error.message
    : "Something went wrong on this instance. The problem has been logged; please try again in a moment.";
  return (
    <section class="error-page" aria-labelledby="error-title">
      <Head>
        <title>Error {status}</title>
      </Head>
      <p class="error-code">{status}</p>
      <h1 id="error-title">
        {status < 500 ? "That did not work" : "Something went wrong"}
      </h1>
      <p>{message}</p>
      <p>
        <a href="/">Back to the timeline</a>
      </p>
    </section>
  );
}
