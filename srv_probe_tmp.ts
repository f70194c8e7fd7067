import { postLines, startTestInstance, testAuthor } from "./tests/helpers.ts";
import { directConversationKey, MessageKeys, sealMessage } from "./lib/messages/mod.ts";
const instance = await startTestInstance();
const [a, b] = [testAuthor(), testAuthor()];
const ka = new MessageKeys(a.secretKey);
const lines = [];
for (let i = 0; i < 1000; i++) lines.push(a.next("dm", { to: [b.key], box: sealMessage(ka, { to: [b.key], payload: { kind: "message", text: "x".repeat(160) } }) }).line);
await postLines(instance.url, lines);
const key = directConversationKey(a.key, [b.key]);
for (let r = 0; r < 6; r++) {
  const t = performance.now();
  const res = await fetch(`${instance.url}/api/messages/${key}?limit=1000`);
  const text = await res.text();
  console.log(r, (performance.now() - t).toFixed(1), "ms", text.length, res.headers.get("content-encoding"));
}
await instance.close();
