import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../adapters/http-server/create-app.ts";
import { jsonArrayReply } from "../../adapters/http-server/replies/json-array-reply.ts";
import { errorResponses, jsonBody, jsonReply } from "../../adapters/http-server/docs/openapi-shapes.ts";
import { idParam } from "../../contracts/identifiers.ts";
import { RecordAccess } from "../../adapters/request-context/record-access.ts";
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
    ...errorResponses(400, 401, 403, 404),
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
    ...errorResponses(400, 401, 403, 409),
  },
});

/** The legacy /api/users endpoints over any UsersApi. */
export function usersRoutes(users: UsersApi) {
  return createRouter()
    .openapi(listOrGet, async (c) => {
      const { id, login, ...page } = c.req.valid("query");
      // A user's record (and so its email) is the user's own: lists are filtered to what the caller may see.
      const access = RecordAccess.of(c.var);
      if (login !== undefined && login !== "") {
        const found = await users.findByLogin(login);
        return c.json(found && access.allows(found.id) ? [found] : [], 200);
      }
      if (id !== undefined) {
        access.check(id, `user ${id}`);
        return c.json(await users.get(id), 200);
      }
      if (access.onlyUser === undefined) return jsonArrayReply(c, users.pages(page));
      // The caller's own record is the whole list they may see: a list of one, paged like any other.
      const own = (page.offset ?? 0) === 0 && (await users.exists(access.onlyUser)) ? [await users.get(access.onlyUser)] : [];
      return c.json(own, 200);
    })
    .openapi(create, async (c) => {
      RecordAccess.of(c.var).checkEveryone("creating a user (register through /api/auth/register)");
      return c.json(await users.create(c.req.valid("json")), 201);
    });
}
