import { z } from "@hono/zod-openapi";
import { RemoteClient, queryString } from "../../adapters/http-client/remote-client.ts";
import { offsetPages } from "../../adapters/http-client/offset-pages.ts";
import { Payment, type PaymentInput, type PaymentsApi, type UserRowsFilter } from "./payments.contract.ts";

/** PaymentsApi over HTTP: a payments service somewhere else. */
export class PaymentsClient implements PaymentsApi {
  constructor(private readonly http: RemoteClient) {}

  list(filter: UserRowsFilter): Promise<Payment[]> {
    return this.http.call("GET", `/api/payments${queryString({ user_id: filter.user_id, limit: filter.limit, offset: filter.offset })}`, z.array(Payment));
  }

  pages(filter: UserRowsFilter): AsyncIterable<Payment[]> {
    return offsetPages((one) => this.list({ ...filter, ...one }), filter);
  }

  // The payments service keeps the list serialized itself; across the network it is streamed in pages.
  async wholeList(): Promise<undefined> {
    return undefined;
  }

  get(id: number): Promise<Payment> {
    return this.http.call("GET", `/api/payments${queryString({ id })}`, Payment);
  }

  create(input: PaymentInput): Promise<Payment> {
    return this.http.call("POST", "/api/payments", Payment, input);
  }
}
