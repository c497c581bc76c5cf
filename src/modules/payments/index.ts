export { PAYMENTS_API, Payment, PaymentInput, UserRowsFilter, type PaymentsApi } from "./payments.contract.ts";
export { PaymentsService } from "./payments.service.ts";
export { paymentsRoutes } from "./payments.routes.ts";
export { SUBSCRIPTIONS_API, Subscription, SubscriptionInput, type SubscriptionsApi } from "./subscriptions.contract.ts";
export { SubscriptionsService } from "./subscriptions.service.ts";
export { subscriptionsRoutes } from "./subscriptions.routes.ts";
export { PaymentsClient } from "./payments.client.ts";
export { SubscriptionsClient } from "./subscriptions.client.ts";
export { paymentsModule } from "./payments.module.ts";
