import { createHash, randomBytes, randomUUID } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "../../adapters/db/database.ts";
import type { AccessTokens, CallerRole } from "../../adapters/tokens/access-tokens.ts";
import { verifiedOrUnauthorized } from "../../adapters/tokens/bearer-caller.ts";
import { AppError } from "../../contracts/app-error.ts";
import type { User, UsersApi } from "../users/index.ts";
import type { AuthApi, LoginInput, RefreshInput, RegisterInput, TokenReply } from "./auth.contract.ts";
import { credentials, refreshTokens } from "./auth.tables.ts";
import type { ClientOrigin } from "../../adapters/http-server/pipeline/client-address.ts";
import type { LoginLimiter, RegistrationLimiter } from "./login-limiter.ts";
import { GUESSABLE_PASSWORD, isStrongEnough } from "./password-strength.ts";
import { scryptPasswords, type Passwords } from "./password.ts";

const sha256 = (token: string) => createHash("sha256").update(token).digest("hex");
// One message for every failed login: it must not tell a wrong password from an unknown user.
const BAD_LOGIN = "username or password is wrong";
// For a taken email (or both): it names neither, so no reply confirms which email is registered.
const TAKEN = "username or email is already registered; choose another username, or log in if the account is yours";

/** AuthApi over this process's database; users are created and found through the users port. */
export class AuthService implements AuthApi {
  constructor(
    private readonly db: Database,
    private readonly users: UsersApi,
    private readonly tokens: AccessTokens,
    private readonly limiter: LoginLimiter,
    private readonly registrations: RegistrationLimiter,
    private readonly refreshTtlSeconds: number,
    /** Lower-case usernames whose tokens say `admin` (AUTH_ADMIN_USERNAMES). */
    private readonly adminUsernames: readonly string[] = [],
    private readonly passwords: Passwords = scryptPasswords,
  ) {}

  // Cheapest refusal first: the limit, then a taken name (two lookups), then a guessable password,
  // and only then the deliberately slow hash. A flood of taken names costs no hashing.
  async register(input: RegisterInput, client: ClientOrigin): Promise<User> {
    await this.registrations.attempt(client.address);
    const { password, ...fields } = input;
    await this.refuseTaken(fields.username, fields.email);
    if (!(await isStrongEnough(password, [fields.username, fields.email.split("@")[0] ?? ""]))) throw AppError.invalid(GUESSABLE_PASSWORD);
    const passwordHash = await this.passwords.hash(password);
    const user = await this.users.create(fields).catch(async (error: unknown) => {
      // Taken meanwhile by a concurrent registration: the same reply as when checked above.
      if (error instanceof AppError && error.code === "CONFLICT") await this.refuseTaken(fields.username, fields.email, true);
      throw error;
    });
    await this.db.insert(credentials).values({ userId: user.id, passwordHash });
    return user;
  }

  async login(input: LoginInput, client: ClientOrigin): Promise<TokenReply> {
    await this.limiter.attempt(input.username, client.address);
    const user = await this.users.findByLogin(input.username);
    const [stored] = user ? await this.db.select().from(credentials).where(eq(credentials.userId, user.id)) : [];
    const matches = await this.passwords.verify(input.password, stored?.passwordHash ?? (await this.passwords.decoy()));
    if (!user || !stored || !matches) throw AppError.unauthorized(BAD_LOGIN);
    await this.limiter.succeeded(input.username, client.address);
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

  /**
   * CONFLICT when the username or the email is taken. A taken username is named (usernames are
   * public, and the user needs to pick another); a taken email gets the generic reply.
   */
  private async refuseTaken(username: string, email: string, taken = false): Promise<void> {
    const [byName, byEmail] = await Promise.all([this.users.findByLogin(username), this.users.findByLogin(email)]);
    if (byName && byName.username.toLowerCase() === username.trim().toLowerCase()) throw AppError.conflict(`username '${username}' is already taken`);
    if (byName || byEmail || taken) throw AppError.conflict(TAKEN);
  }

  private async revokeFamily(familyId: string): Promise<void> {
    await this.db.update(refreshTokens).set({ revokedAt: new Date() }).where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
  }
}
