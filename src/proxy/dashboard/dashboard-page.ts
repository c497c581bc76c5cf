import { html } from "hono/html";

/** The page's shell: the browser code draws everything else from the admin API. */
export function dashboardPage() {
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>CinemaAbyss migration</title>
    <link rel="stylesheet" href="/dashboard/app.css" />
  </head>
  <body>
    <header>
      <h1>CinemaAbyss migration</h1>
      <span id="connection" class="connection">not connected</span>
    </header>
    <form id="login" hidden>
      <label for="token">Admin token (the gateway's ADMIN_TOKEN; kept for this tab only)</label>
      <input id="token" name="token" type="password" autocomplete="current-password" required />
      <button type="submit">Open</button>
      <p id="login-error" class="error" role="alert"></p>
    </form>
    <main id="routes" aria-live="polite"></main>
    <script src="/dashboard/app.js"></script>
  </body>
</html>`;
}
