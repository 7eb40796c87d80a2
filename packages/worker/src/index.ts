/** @module Placeholder entry until the proxy (issue 4) lands. */
export default {
  fetch(): Response {
    return Response.json({ ok: true });
  },
};
