// The limit of this stack on this machine: a bare Fastify server answering a static JSON
// body of a given size (GET /static/:size) and a bare POST route that reads a JSON body and
// answers 201 with a body of the same size (POST /static/:size). The bodies are kept as bytes,
// the fastest way to answer a static body (a string is encoded again on every write), as the
// response cache keeps its answers. Run as its own process.
import Fastify from 'fastify'

const bodies = new Map<number, Buffer>()
/** A JSON body of exactly `size` bytes: {"data":"xxx…"}. */
function body (size: number): Buffer {
  let b = bodies.get(size)
  if (!b) {
    b = Buffer.from(JSON.stringify({ data: 'x'.repeat(Math.max(0, size - 11)) }))
    bodies.set(size, b)
  }
  return b
}

const app = Fastify({ logger: false })
app.get<{ Params: { size: string } }>('/static/:size', async (request, reply) => {
  return reply.type('application/json; charset=utf-8').send(body(Number(request.params.size)))
})
app.post<{ Params: { size: string } }>('/static/:size', async (request, reply) => {
  return reply.code(201).type('application/json; charset=utf-8').send(body(Number(request.params.size)))
})
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) })
