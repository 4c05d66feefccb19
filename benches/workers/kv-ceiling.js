// The ceiling of the service benchmark: a worker that does nothing but read the body and write
// it as one KV value under a fresh key. No routing, no authentication, no validation.
export default {
  async fetch(request, env) {
    const body = await request.text();
    await env.PUSHERS.put(`c:${crypto.randomUUID()}`, body);
    return new Response("{}", { headers: { "Content-Type": "application/json" } });
  },
};
