import type { InjectionToken } from "tsyringe";
import { RemoteClient } from "../adapters/http-client/remote-client.ts";
import type { Platform } from "../roles/platform.ts";
import { startTestPlatform, startTestRole } from "./test-platform.ts";

export interface PortUnderTest<T> {
  api: T;
  /** The platform that owns the module's data (for setting up other modules' rows). */
  platform: Platform;
  close(): Promise<void>;
}

/**
 * Both implementations of a port, for `describe.each`: the in-process service, and the remote
 * client talking to a real HTTP server of the module's own role on 127.0.0.1.
 */
export function implementationsOf<T>(
  token: InjectionToken<T>,
  role: string,
  listener: string,
  client: (http: RemoteClient) => T,
): [string, () => Promise<PortUnderTest<T>>][] {
  return [
    [
      "in-process",
      async () => {
        const t = await startTestPlatform();
        return { api: t.platform.container.resolve(token), platform: t.platform, close: t.close };
      },
    ],
    [
      "remote",
      async () => {
        const running = await startTestRole(role);
        const http = new RemoteClient(`${role}-service`, `http://127.0.0.1:${running.ports[listener]}`);
        return {
          api: client(http),
          platform: running.platform!,
          close: async () => {
            await http.close();
            await running.stop();
          },
        };
      },
    ],
  ];
}
