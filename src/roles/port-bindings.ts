import { container as rootContainer, instanceCachingFactory, type DependencyContainer, type InjectionToken } from "tsyringe";
import type { Config, ModuleName } from "../config/config.ts";
import type { AuthConfig } from "../config/auth-config.ts";
import { AccessTokens } from "../adapters/tokens/access-tokens.ts";
import { AUTH_API, AuthClient, AuthService, LoginLimiter } from "../modules/auth/index.ts";
import { EVENT_BUS, type EventBus } from "../adapters/bus/event-bus.ts";
import { DATABASE, type Database } from "../adapters/db/database.ts";
import { RemoteClient } from "../adapters/http-client/remote-client.ts";
import { EVENTS_API, EventsClient, EventsService } from "../modules/events/index.ts";
import { MOVIES_API, MoviesClient, MoviesService } from "../modules/movies/index.ts";
import { PAYMENTS_API, PaymentsClient, PaymentsService, SUBSCRIPTIONS_API, SubscriptionsClient, SubscriptionsService } from "../modules/payments/index.ts";
import { USERS_API, UsersClient, UsersService } from "../modules/users/index.ts";

/** The platform's access tokens as the configuration describes them (auth module and gateway alike). */
export function accessTokens(auth: Readonly<AuthConfig>): AccessTokens {
  return new AccessTokens({ issuer: auth.issuer, audience: auth.audience, ttlSeconds: auth.accessTtlSeconds, keys: auth.keys });
}

/** Where each port runs in this process: "in-process", or the URL of the service that owns it. */
export type Placement = Record<ModuleName, string>;

/**
 * The one place that decides placement: a port is remote when its service URL is configured, except
 * in the process that is that module's own service (it must not call itself).
 */
export function placement(config: Readonly<Config>, owns: readonly ModuleName[]): Placement {
  const where = (name: ModuleName) => (owns.includes(name) ? undefined : config.remotes[name]) ?? "in-process";
  return { users: where("users"), movies: where("movies"), payments: where("payments"), subscriptions: where("subscriptions"), events: where("events"), auth: where("auth") };
}

/**
 * Binds every port to its in-process service or its remote client, by placement. Tokens, not
 * reflected types: esbuild emits no decorator metadata. A child container per platform keeps
 * tests' platforms apart. Returns the remote clients too, so the platform can close them.
 */
export function bindPorts(
  db: Database,
  bus: EventBus,
  where: Placement,
  auth: Readonly<AuthConfig>,
): { container: DependencyContainer; clients: RemoteClient[] } {
  const c = rootContainer.createChildContainer();
  const clients: RemoteClient[] = [];
  const remote = (service: string, url: string) => {
    const client = new RemoteClient(service, url);
    clients.push(client);
    return client;
  };
  const bind = <T>(token: InjectionToken<T>, name: ModuleName, local: (r: DependencyContainer) => T, client: (http: RemoteClient) => T) => {
    const url = where[name];
    if (url === "in-process") c.register<T>(token, { useFactory: instanceCachingFactory<T>(local) });
    else c.register<T>(token, { useValue: client(remote(`${name}-service`, url)) });
  };
  c.register(DATABASE, { useValue: db });
  c.register(EVENT_BUS, { useValue: bus });
  bind(EVENTS_API, "events", (r) => new EventsService(r.resolve(EVENT_BUS)), (h) => new EventsClient(h));
  bind(USERS_API, "users", (r) => new UsersService(r.resolve(DATABASE)), (h) => new UsersClient(h));
  bind(MOVIES_API, "movies", (r) => new MoviesService(r.resolve(DATABASE)), (h) => new MoviesClient(h));
  bind(PAYMENTS_API, "payments", (r) => new PaymentsService(r.resolve(DATABASE), r.resolve(USERS_API)), (h) => new PaymentsClient(h));
  bind(
    AUTH_API,
    "auth",
    (r) => new AuthService(r.resolve(DATABASE), r.resolve(USERS_API), accessTokens(auth), new LoginLimiter(auth.loginLimit), auth.refreshTtlSeconds),
    (h) => new AuthClient(h),
  );
  bind(SUBSCRIPTIONS_API, "subscriptions", (r) => new SubscriptionsService(r.resolve(DATABASE), r.resolve(USERS_API)), (h) => new SubscriptionsClient(h));
  return { container: c, clients };
}
