import { z } from "@hono/zod-openapi";
import { RemoteClient, queryString } from "../../adapters/http-client/remote-client.ts";
import { offsetPages } from "../../adapters/http-client/offset-pages.ts";
import type { UserRowsFilter } from "./payments.contract.ts";
import { Subscription, type SubscriptionInput, type SubscriptionsApi } from "./subscriptions.contract.ts";

/** SubscriptionsApi over HTTP: a payments service somewhere else. */
export class SubscriptionsClient implements SubscriptionsApi {
  constructor(private readonly http: RemoteClient) {}

  list(filter: UserRowsFilter): Promise<Subscription[]> {
    return this.http.call("GET", `/api/subscriptions${queryString({ user_id: filter.user_id, limit: filter.limit, offset: filter.offset })}`, z.array(Subscription));
  }

  pages(filter: UserRowsFilter): AsyncIterable<Subscription[]> {
    return offsetPages((one) => this.list({ ...filter, ...one }), filter);
  }

  // The payments service keeps the list serialized itself; across the network it is streamed in pages.
  async wholeList(): Promise<undefined> {
    return undefined;
  }

  get(id: number): Promise<Subscription> {
    return this.http.call("GET", `/api/subscriptions${queryString({ id })}`, Subscription);
  }

  create(input: SubscriptionInput): Promise<Subscription> {
    return this.http.call("POST", "/api/subscriptions", Subscription, input);
  }
}
