import type { ModuleDescriptor, PortBinding } from "../module-descriptor.ts";
import { createRouter } from "../../adapters/http-server/create-app.ts";
import { DATABASE } from "../../adapters/db/database.ts";
import { LIST_CACHE_BUDGET } from "../../adapters/list-cache/byte-budget.ts";
import { USERS_API } from "../users/index.ts";
import { PAYMENTS_API, type PaymentsApi } from "./payments.contract.ts";
import { PaymentsClient } from "./payments.client.ts";
import { paymentsRoutes } from "./payments.routes.ts";
import { PaymentsService } from "./payments.service.ts";
import { paymentsSchema } from "./payments.tables.ts";
import { SUBSCRIPTIONS_API, type SubscriptionsApi } from "./subscriptions.contract.ts";
import { SubscriptionsClient } from "./subscriptions.client.ts";
import { subscriptionsRoutes } from "./subscriptions.routes.ts";
import { SubscriptionsService } from "./subscriptions.service.ts";

const paymentsPort: PortBinding<PaymentsApi> = {
  token: PAYMENTS_API,
  inProcess: (c) => new PaymentsService(c.resolve(DATABASE), c.resolve(USERS_API), c.resolve(LIST_CACHE_BUDGET)),
  remote: (http) => new PaymentsClient(http),
};

const subscriptionsPort: PortBinding<SubscriptionsApi> = {
  token: SUBSCRIPTIONS_API,
  inProcess: (c) => new SubscriptionsService(c.resolve(DATABASE), c.resolve(USERS_API), c.resolve(LIST_CACHE_BUDGET)),
  remote: (http) => new SubscriptionsClient(http),
};

/**
 * Payments and subscriptions: one module, so they move together. Wherever the payments service
 * runs, both ports and both route prefixes go with it; there is no separate subscriptions setting.
 */
export const paymentsModule: ModuleDescriptor = {
  name: "payments",
  title: "CinemaAbyss payments service",
  routePrefixes: ["/api/payments", "/api/subscriptions"],
  defaultPort: 8084,
  healthPath: "/api/payments/health",
  inMonolith: true,
  schema: paymentsSchema.schemaName,
  ports: [paymentsPort, subscriptionsPort],
  routes: (c) => createRouter().route("/", paymentsRoutes(c.resolve(PAYMENTS_API))).route("/", subscriptionsRoutes(c.resolve(SUBSCRIPTIONS_API))),
};
