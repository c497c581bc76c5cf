import type { ModuleDescriptor } from "./module-descriptor.ts";
import { authModule } from "./auth/index.ts";
import { eventsModule } from "./events/index.ts";
import { moviesModule } from "./movies/index.ts";
import { paymentsModule } from "./payments/index.ts";
import { usersModule } from "./users/index.ts";

/**
 * The only list of modules. Extracting a module is its folder plus one entry here: its variables,
 * placement, apps, role, gateway route and test platform all follow from the descriptor.
 */
export const moduleRegistry: readonly ModuleDescriptor[] = [usersModule, moviesModule, paymentsModule, authModule, eventsModule];
