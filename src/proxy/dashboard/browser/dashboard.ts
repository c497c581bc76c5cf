// The migration dashboard in the browser: draws every route from the admin listener's live stream
// and sends the operator's actions to the admin API. Every value is set as text, never as markup.
import type { DashboardSnapshot } from "../dashboard-routes.ts";
import { adminCall, forgetToken, readStream, savedToken, saveToken, Unauthorized } from "./admin-api.ts";
import { RouteCard } from "./route-card.ts";
import { TrafficHistory } from "./traffic-history.ts";

const RECONNECT_MS = 2_000;

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const main = byId<HTMLElement>("routes");
const login = byId<HTMLFormElement>("login");
const loginError = byId<HTMLElement>("login-error");
const connection = byId<HTMLElement>("connection");

const history = new TrafficHistory();
const cards = new Map<string, RouteCard>();

function render(snapshot: DashboardSnapshot): void {
  history.add(snapshot.traffic);
  const breakers = new Map(snapshot.routes.targets.map((t) => [t.name, t.breaker]));
  for (const route of snapshot.routes.routes) {
    let card = cards.get(route.name);
    if (!card) {
      card = new RouteCard(route.name, { act: adminCall, onUnauthorized: askForToken });
      cards.set(route.name, card);
      main.append(card.element);
    }
    card.update(route, breakers, history.of(route.name), snapshot.delivery[route.name]);
  }
  connection.textContent = `live · ${new Date(snapshot.at).toLocaleTimeString()}`;
  connection.dataset.state = "live";
}

let streaming: AbortController | undefined;

async function follow(): Promise<void> {
  streaming?.abort();
  const controller = new AbortController();
  streaming = controller;
  while (!controller.signal.aborted) {
    try {
      await readStream("/admin/stream", controller.signal, ({ event, data }) => {
        if (event === "snapshot" || event === "tick") render(JSON.parse(data) as DashboardSnapshot);
      });
    } catch (error) {
      if (error instanceof Unauthorized) return askForToken("the admin API refused the token");
      if (controller.signal.aborted) return;
    }
    connection.textContent = "reconnecting…";
    connection.dataset.state = "reconnecting";
    await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
  }
}

function askForToken(why?: string): void {
  streaming?.abort();
  forgetToken();
  login.hidden = false;
  loginError.textContent = why ?? "";
  connection.textContent = "not connected";
  connection.dataset.state = "closed";
}

login.addEventListener("submit", (event) => {
  event.preventDefault();
  const token = (new FormData(login).get("token") ?? "").toString().trim();
  if (!token) return;
  saveToken(token);
  login.hidden = true;
  void follow();
});

window.addEventListener("resize", () => {
  for (const card of cards.values()) card.resize();
});

if (savedToken()) void follow();
else askForToken();
