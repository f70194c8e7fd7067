import { FormOutcome } from "../../components/form_outcome.tsx";
import {
  formError,
  readAdminForm,
  seeOtherWithNotice,
} from "../../lib/app/admin_form.ts";
import {
  MAX_INSTANCE_DESCRIPTION,
  MAX_INSTANCE_NAME,
  saveInstanceProfile,
} from "../../lib/app/instance_profile.ts";
import type { AppState } from "../../lib/instance/mod.ts";
import { Head, type PageProps, type RouteContext } from "../../lib/web/mod.ts";

interface Data {
  name: string;
  description: string;
  /** The configured name, shown when the owner sets none. */
  defaultName: string;
  owner: string;
  notice?: string;
  error?: { message: string; reason: string };
}

export const handler = {
  GET(ctx: RouteContext<AppState>) {
    const { instance } = ctx.state;
    // The middleware sent anyone but the owner to the login or the claim.
    return ctx.render(dataOf(instance, {
      notice: ctx.url.searchParams.get("notice") ?? undefined,
    }));
  },
  /** Saves the name and description; the middleware checked the owner. */
  async POST(ctx: RouteContext<AppState>) {
    const { instance } = ctx.state;
    const form = await readAdminForm(ctx.req);
    const fields = {
      name: String(form.get("name") ?? ""),
      description: String(form.get("description") ?? ""),
    };
    try {
      const saved = await saveInstanceProfile(instance.kv, fields);
      instance.name = saved.name ?? instance.config.name;
      instance.description = saved.description ?? "";
    } catch (error) {
      const refused = formError(error);
      return ctx.render(
        {
          ...dataOf(instance, {}),
          ...fields,
          error: refused,
        },
        { status: refused.status },
      );
    }
    return seeOtherWithNotice("/admin", "Saved.");
  },
};

function dataOf(
  instance: AppState["instance"],
  extra: Pick<Data, "notice">,
): Data {
  return {
    name: instance.name === instance.config.name ? "" : instance.name,
    description: instance.description,
    defaultName: instance.config.name,
    owner: instance.admin.owner ?? "",
    ...extra,
  };
}

export default function AdminPage({ data }: PageProps<Data, AppState>) {
  return (
    <section aria-labelledby="admin-title">
      <Head>
        <title>Admin</title>
      </Head>
      <h1 id="admin-title">Admin</h1>
      <form method="post" action="/admin/logout" class="inline-form">
        <button type="submit" class="link-button">Log out</button>
      </form>
      <p class="muted">
        Signed in as the owner, <code class="wrap">{data.owner}</code>.
      </p>
      <nav aria-label="Admin pages">
        <ul>
          <li>
            <a href="/admin/ledgers">Ledgers this instance honours</a>
          </li>
          <li>
            <a href="/admin/peers">Peers</a>
          </li>
          <li>
            <a href="/admin/storage">Storage</a>
          </li>
          <li>
            <a href="/admin/rejections">Recently rejected records</a>
          </li>
          <li>
            <a href="/admin/blocks">Blocked authors and peers</a>
          </li>
        </ul>
      </nav>
      <FormOutcome notice={data.notice} error={data.error} />
      <h2 id="profile-title">Name and description</h2>
      <form
        method="post"
        action="/admin"
        class="admin-form"
        aria-labelledby="profile-title"
      >
        <label for="instance-name">Instance name</label>
        <input
          id="instance-name"
          name="name"
          value={data.name}
          placeholder={data.defaultName}
          maxLength={MAX_INSTANCE_NAME}
          aria-describedby="instance-name-help"
        />
        <span id="instance-name-help" class="muted">
          Shown in every page's header. Leave it empty to use the configured
          name, “{data.defaultName}”.
        </span>
        <label for="instance-description">Description</label>
        <textarea
          id="instance-description"
          name="description"
          rows={4}
          maxLength={MAX_INSTANCE_DESCRIPTION}
          value={data.description}
          aria-describedby="instance-description-help"
        />
        <span id="instance-description-help" class="muted">
          Shown on the home page, up to {MAX_INSTANCE_DESCRIPTION} characters.
        </span>
        <button type="submit" class="button">Save</button>
      </form>
    </section>
  );
}
