import { eq, gt, sql } from "drizzle-orm";
import { appendEvent } from "../../adapters/outbox/outbox.ts";
import { newDomainEvent } from "../../contracts/domain-event.ts";
import { AppError } from "../../contracts/app-error.ts";
import type { Page } from "../../contracts/pagination.ts";
import type { Database } from "../../adapters/db/database.ts";
import { collectPages, keysetPages } from "../../adapters/db/keyset-pages.ts";
import type { User, UserInput, UsersApi } from "./users.contract.ts";
import { users } from "./users.tables.ts";

const columns = { id: users.id, username: users.username, email: users.email };

/** UsersApi over this process's database. */
export class UsersService implements UsersApi {
  // Built once and prepared by name on each connection: reads by id (every payment asks) are not re-planned.
  private readonly byId;

  constructor(private readonly db: Database) {
    this.byId = db.select(columns).from(users).where(eq(users.id, sql.placeholder("id"))).prepare("users_by_id");
  }

  list(page: Page): Promise<User[]> {
    return collectPages(this.pages(page));
  }

  pages(page: Page): AsyncIterable<User[]> {
    return keysetPages(
      (after, offset, limit) =>
        this.db
          .select(columns)
          .from(users)
          .where(after === undefined ? undefined : gt(users.id, after))
          .orderBy(users.id)
          .offset(offset)
          .limit(limit),
      page,
    );
  }

  async get(id: number): Promise<User> {
    const [row] = await this.byId.execute({ id });
    if (!row) throw AppError.notFound(`user ${id} not found`);
    return row;
  }

  async exists(id: number): Promise<boolean> {
    const [row] = await this.byId.execute({ id });
    return row !== undefined;
  }

  async findByLogin(login: string): Promise<User | undefined> {
    const key = login.trim().toLowerCase();
    const [row] = await this.db
      .select(columns)
      .from(users)
      .where(sql`lower(${users.username}) = ${key} or lower(${users.email}) = ${key}`)
      .limit(1);
    return row;
  }

  async create(input: UserInput): Promise<User> {
    // The unique indexes decide, so two concurrent requests cannot both take a name.
    const row = await this.db.transaction(async (tx) => {
      const [created] = await tx.insert(users).values(input).onConflictDoNothing().returning(columns);
      if (!created) return undefined;
      const payload = { user_id: created.id, username: created.username, email: created.email, action: "registered", timestamp: new Date().toISOString() };
      await appendEvent(tx, newDomainEvent("user", created.id, "registered", payload), created.id);
      return created;
    });
    if (row) return row;
    throw AppError.conflict(await this.describeConflict(input));
  }

  private async describeConflict(input: UserInput): Promise<string> {
    const [taken] = await this.db
      .select({ username: users.username })
      .from(users)
      .where(sql`lower(${users.username}) = lower(${input.username})`);
    return taken ? `username '${input.username}' is already taken` : `email '${input.email}' is already registered`;
  }
}
