import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../adapters/http-server/create-app.ts";
import { jsonArrayReply } from "../../adapters/http-server/json-array-reply.ts";
import { errorResponses, jsonBody, jsonReply } from "../../adapters/http-server/openapi-shapes.ts";
import { idParam } from "../../contracts/identifiers.ts";
import { pageQuery } from "../../contracts/pagination.ts";
import { text } from "../../contracts/text.ts";
import { User, UserInput, type UsersApi } from "./users.contract.ts";

const listOrGet = createRoute({
  method: "get",
  path: "/api/users",
  tags: ["users"],
  summary: "All users, a page of them, one by ?id=, or the one whose username or email is ?login= (a list of 0 or 1)",
  request: { query: pageQuery.extend({ id: idParam, login: text(254).optional() }) },
  responses: {
    200: jsonReply("The list in id order; with ?id= the one user", z.union([z.array(User), User])),
    ...errorResponses(400, 404),
  },
});

const create = createRoute({
  method: "post",
  path: "/api/users",
  tags: ["users"],
  summary: "Create a user",
  request: { body: jsonBody(UserInput) },
  responses: {
    201: jsonReply("The created user", User),
    ...errorResponses(400, 409),
  },
});

/** The legacy /api/users endpoints over any UsersApi. */
export function usersRoutes(users: UsersApi) {
  return createRouter()
    .openapi(listOrGet, async (c) => {
      const { id, login, ...page } = c.req.valid("query");
      if (login !== undefined && login !== "") {
        const found = await users.findByLogin(login);
        return c.json(found ? [found] : [], 200);
      }
      if (id === undefined) return jsonArrayReply(c, users.pages(page));
      return c.json(await users.get(id), 200);
    })
    .openapi(create, async (c) => c.json(await users.create(c.req.valid("json")), 201));
}
