import {
  FollowList,
  type FollowListData,
  followListPage,
} from "../../../components/follow_list.tsx";
import type { AppState } from "../../../lib/instance/mod.ts";
import type { PageProps, RouteContext } from "../../../lib/web/mod.ts";

export const handler = {
  async GET(ctx: RouteContext<AppState>) {
    return ctx.render(await followListPage(ctx, "follows"));
  },
};

export default function Following(
  { data }: PageProps<FollowListData, AppState>,
) {
  return <FollowList data={data} />;
}
