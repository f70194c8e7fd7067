/** `/admin` leads to the ledgers, the one admin page so far. */
export function handler(): Response {
  return new Response(null, {
    status: 303,
    headers: { Location: "/admin/ledgers" },
  });
}
