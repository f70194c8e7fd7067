/**
 * A raw GUN client for tests: speaks GUN's wire format over a WebSocket to
 * an instance's `/gun`, without any Kith code in between.
 *
 * @module
 */

/**
 * Opens a WebSocket to `url`'s `/gun` and collects what it hears.
 *
 * @throws {Event} When the socket cannot open.
 *
 * @example
 * ```ts
 * const client = await rawGunClient("http://127.0.0.1:8000");
 * client.send({ get: { "#": "kith/head/<author>" } });
 * await client.close();
 * ```
 */
export async function rawGunClient(url: string) {
  const socket = new WebSocket(url.replace(/^http/, "ws") + "/gun");
  const heard: Record<string, unknown>[] = [];
  socket.onmessage = (event) => {
    const data = JSON.parse(String(event.data));
    heard.push(...(Array.isArray(data) ? data : [data]));
  };
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  socket.onerror = () => {};
  // Whoever closes it, the server or the test.
  const closed = new Promise<void>((resolve) =>
    socket.onclose = () => resolve()
  );
  // GUN drops a message whose id it saw lately, from anyone: ids must not
  // repeat across clients.
  const prefix = crypto.randomUUID().slice(0, 8);
  let counter = 0;
  return {
    heard,
    /** Resolves once the socket is closed, by either side. */
    closed,
    /** Whether the socket is still open. */
    get open() {
      return socket.readyState === WebSocket.OPEN;
    },
    sendRaw(text: string) {
      if (socket.readyState === WebSocket.OPEN) socket.send(text);
    },
    send(message: Record<string, unknown>) {
      this.sendRaw(
        JSON.stringify({ "#": `${prefix}-${++counter}`, ...message }),
      );
    },
    put(soul: string, key: string, value: unknown, state: unknown) {
      this.send({
        put: {
          [soul]: { _: { "#": soul, ">": { [key]: state } }, [key]: value },
        },
      });
    },
    /**
     * Sends a GET for `soul` and resolves with the nodes of every answer
     * heard within `waitMs` (answers may come in several parts).
     */
    async get(soul: string, waitMs = 2_000) {
      const id = `${prefix}-get${++counter}`;
      this.sendRaw(JSON.stringify({ "#": id, get: { "#": soul } }));
      const started = Date.now();
      let seen = 0;
      // Done once an answer came and no new one followed for 200 ms.
      let quietSince = Date.now();
      while (Date.now() - started < waitMs) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const count = heard.filter((message) => message["@"] === id).length;
        if (count !== seen) {
          seen = count;
          quietSince = Date.now();
        } else if (seen > 0 && Date.now() - quietSince >= 200) break;
      }
      return heard.filter((message) => message["@"] === id).map((message) =>
        (message.put ?? {}) as Record<string, Record<string, unknown>>
      );
    },
    close() {
      socket.close();
      return closed;
    },
  };
}
