import { createHash, randomBytes, randomUUID } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "../../adapters/db/database.ts";
import type { AccessTokens, CallerRole } from "../../adapters/tokens/access-tokens.ts";
import { verifiedOrUnauthorized } from "../../adapters/tokens/bearer-caller.ts";
import { AppError } from "../../contracts/app-error.ts";
import type { User, UsersApi } from "../users/index.ts";
import type { AuthApi, LoginInput, RefreshInput, RegisterInput, TokenReply } from "./auth.contract.ts";
import { credentials, refreshTokens } from "./auth.tables.ts";
import type { LoginLimiter } from "./login-limiter.ts";
import { decoyHash, hashPassword, verifyPassword } from "./password.ts";

const sha256 = (token: string) => createHash("sha256").update(token).digest("hex");
// One message for every failed login: it must not tell a wrong password from an unknown user.
const BAD_LOGIN = "username or password is wrong";

/** AuthApi over this process's database; users are created and found through the users port. */
export class AuthService implements AuthApi {
  constructor(
    private readonly db: Database,
    private readonly users: UsersApi,
    private readonly tokens: AccessTokens,
    private readonly limiter: LoginLimiter,
    private readonly refreshTtlSeconds: number,
    /** Lower-case usernames whose tokens say `admin` (AUTH_ADMIN_USERNAMES). */
    private readonly adminUsernames: readonly string[] = [],
  ) {}

  async register(input: RegisterInput): Promise<User> {
    const { password, ...fields } = input;
    const passwordHash = await hashPassword(password);
    const user = await this.users.create(fields);
    await this.db.insert(credentials).values({ userId: user.id, passwordHash });
    return user;
  }

  async login(input: LoginInput, clientAddress: string | undefined): Promise<TokenReply> {
    await this.limiter.attempt(input.username, clientAddress);
    const user = await this.users.findByLogin(input.username);
    const [stored] = user ? await this.db.select().from(credentials).where(eq(credentials.userId, user.id)) : [];
    const matches = await verifyPassword(input.password, stored?.passwordHash ?? (await decoyHash()));
    if (!user || !stored || !matches) throw AppError.unauthorized(BAD_LOGIN);
    return this.issue(user, stored.role, randomUUID());
  }

  async refresh(input: RefreshInput): Promise<TokenReply> {
    const [row] = await this.db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, sha256(input.refresh_token)));
    if (!row || row.revokedAt || row.expiresAt.getTime() <= Date.now()) throw AppError.unauthorized("refresh token is not valid");
    if (row.usedAt) {
      // A rotated token came back: someone holds a copy. End every session of this family.
      await this.revokeFamily(row.familyId);
      throw AppError.unauthorized("refresh token was already used; its session is revoked");
    }
    // Mark it used only if nobody else did first: two concurrent refreshes cannot both win.
    const claimed = await this.db
      .update(refreshTokens)
      .set({ usedAt: new Date() })
      .where(and(eq(refreshTokens.tokenHash, row.tokenHash), isNull(refreshTokens.usedAt)))
      .returning({ familyId: refreshTokens.familyId });
    if (claimed.length === 0) {
      await this.revokeFamily(row.familyId);
      throw AppError.unauthorized("refresh token was already used; its session is revoked");
    }
    // The role is read again, so a refresh carries a grant or a revocation made since the login.
    const [stored] = await this.db.select({ role: credentials.role }).from(credentials).where(eq(credentials.userId, row.userId));
    const user = await this.users.get(row.userId).catch((error: unknown) => {
      if (error instanceof AppError && error.code === "NOT_FOUND") throw AppError.unauthorized("the token's user no longer exists");
      throw error;
    });
    return this.issue(user, stored?.role ?? "user", row.familyId);
  }

  async logout(input: RefreshInput): Promise<void> {
    const [row] = await this.db.select({ familyId: refreshTokens.familyId }).from(refreshTokens).where(eq(refreshTokens.tokenHash, sha256(input.refresh_token)));
    if (row) await this.revokeFamily(row.familyId);
  }

  async me(accessToken: string): Promise<User> {
    const { userId } = await verifiedOrUnauthorized(this.tokens, accessToken);
    const user = await this.users.get(userId).catch((error: unknown) => {
      if (error instanceof AppError && error.code === "NOT_FOUND") throw AppError.unauthorized("the token's user no longer exists");
      throw error;
    });
    return user;
  }

  private async issue(user: User, storedRole: CallerRole, familyId: string): Promise<TokenReply> {
    const role: CallerRole = this.adminUsernames.includes(user.username.toLowerCase()) ? "admin" : storedRole;
    const refreshToken = randomBytes(32).toString("base64url");
    await this.db.insert(refreshTokens).values({
      tokenHash: sha256(refreshToken),
      familyId,
      userId: user.id,
      expiresAt: new Date(Date.now() + this.refreshTtlSeconds * 1000),
    });
    return { access_token: await this.tokens.sign(String(user.id), role), refresh_token: refreshToken, token_type: "Bearer", expires_in: this.tokens.ttlSeconds };
  }

  private async revokeFamily(familyId: string): Promise<void> {
    await this.db.update(refreshTokens).set({ revokedAt: new Date() }).where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
  }
}
