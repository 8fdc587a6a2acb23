import { Type } from 'typebox';
import type { App } from '../../http/types.js';

/** Agent status values (documented): 0 Created, 1 Started, 2 Stopped, 4 Paused, 8 Disposed. */
export const AgentStatus = { Created: 0, Started: 1, Stopped: 2, Paused: 4, Disposed: 8 } as const;

export async function managementRoutes(app: App): Promise<void> {
  app.get(
    '/agent_status',
    {
      config: { access: 'public' },
      schema: {
        tags: ['Management'],
        summary: 'The agent status, a bare integer: 0 Created, 1 Started, 2 Stopped, 4 Paused, 8 Disposed.',
        response: { 200: Type.Integer({ enum: Object.values(AgentStatus) }) },
      },
    },
    async () => AgentStatus.Started,
  );
}
