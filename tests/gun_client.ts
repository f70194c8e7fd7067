/**
 * A raw GUN client for tests: speaks GUN's wire format over a WebSocket to
 * an instance's `/gun`, without any Kith code in between.
 *
 * @module
 */

/** A WebSocket speaking GUN's wire format, collecting what it hears. */
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
  let counter = 0;
  return {
    heard,
    sendRaw(text: string) {
      socket.send(text);
    },
    send(message: Record<string, unknown>) {
      socket.send(JSON.stringify({ "#": `attack${++counter}`, ...message }));
    },
    put(soul: string, key: string, value: unknown, state: unknown) {
      this.send({
        put: {
          [soul]: { _: { "#": soul, ">": { [key]: state } }, [key]: value },
        },
      });
    },
    close() {
      socket.close();
      return new Promise((resolve) => socket.onclose = resolve);
    },
  };
}
