/** @module Load target (a): a trivial Hono route, the ceiling any Hono Worker in this workerd can reach. */
import { Hono } from "hono";

const app = new Hono();
app.post("/joinStorageSession", (c) => c.body(null, 200));

export default { fetch: app.fetch };
