/**
 * Readiness of an instance for `/readyz`: its KV store answers a read and
 * replication is running. Unlike `/healthz` (the process is alive), a
 * failing check here means traffic should go elsewhere for now.
 *
 * @module
 */

/** One check's result. */
export interface CheckResult {
  ok: boolean;
  /** Why it failed, when it did. */
  error?: string;
}

/** The answer of {@linkcode checkReadiness}. */
export interface Readiness {
  ready: boolean;
  checks: { kv: CheckResult; replication: CheckResult };
}

/** The key read to prove KV answers (written at first start). */
const PROBE_KEY = ["instance", "createdAt"];

/**
 * Reads one key from `parts.kv` (within `timeoutMs`, default 2 s) and asks
 * whether replication is running. Never throws: failures are in `checks`.
 *
 * @example
 * ```ts
 * const { ready, checks } = await checkReadiness({ kv, replication });
 * if (!ready) console.log(checks);
 * ```
 */
export async function checkReadiness(
  parts: { kv: Deno.Kv; replication: { readonly running: boolean } },
  options: { timeoutMs?: number } = {},
): Promise<Readiness> {
  const kv = await checkKv(parts.kv, options.timeoutMs ?? 2_000);
  const replication: CheckResult = parts.replication.running
    ? { ok: true }
    : { ok: false, error: "Replication is not running" };
  return { ready: kv.ok && replication.ok, checks: { kv, replication } };
}

async function checkKv(kv: Deno.Kv, timeoutMs: number): Promise<CheckResult> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      kv.get(PROBE_KEY),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
    return { ok: true };
  } catch (error) {
    return {
      ok: false,
      error: `Cannot read KV: ${(error as Error).message}`,
    };
  } finally {
    clearTimeout(timer);
  }
}
