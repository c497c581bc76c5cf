import { AppError } from "../../contracts/app-error.ts";
import type { RequestContext } from "./request-context.ts";

/**
 * Object-level authorization, written once against the request context (OWASP API1, BOLA). Where the
 * per-route switch requires authentication, a user reaches only records that are theirs and an admin
 * reaches everyone's; where it does not (the legacy default), everything stays as the legacy API had it.
 * Records are "a user's" by a user id: a payment's or subscription's `user_id`, a user's own `id`.
 */
export class RecordAccess {
  /** The only user whose records the caller may reach; undefined: everyone's (open route, or an admin). */
  readonly onlyUser: number | undefined;

  private constructor(onlyUser: number | undefined) {
    this.onlyUser = onlyUser;
  }

  /** The access of the request this context describes; no context (work outside a request) reaches everything. */
  static of(context: RequestContext | undefined): RecordAccess {
    const caller = context?.authRequired ? context.caller : undefined;
    // identifyCaller() never lets a request on a closed route through without a caller.
    return new RecordAccess(caller && caller.role !== "admin" ? caller.userId : undefined);
  }

  /**
   * The `user_id` a list is filtered by: the one asked for when the caller may see it, the caller's own
   * when none was asked, and `null` when the caller asked for someone else's (the list is empty, not refused).
   */
  listUser(asked: number | undefined): number | undefined | null {
    if (this.onlyUser === undefined) return asked;
    return asked === undefined || asked === this.onlyUser ? this.onlyUser : null;
  }

  /** Whether the caller may reach this user's records. */
  allows(userId: number): boolean {
    return this.onlyUser === undefined || this.onlyUser === userId;
  }

  /** Throws FORBIDDEN (403) unless the caller may read or write this user's records; call before any write. */
  check(userId: number, what: string): void {
    if (!this.allows(userId)) throw AppError.forbidden(`${what} belongs to another user`);
  }

  /** Throws FORBIDDEN unless the caller may act for every user (an admin, or an open route). */
  checkEveryone(what: string): void {
    if (this.onlyUser !== undefined) throw AppError.forbidden(`${what} needs the admin role`);
  }
}
