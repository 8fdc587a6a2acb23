import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * Request log lines at a level that fits their outcome: arrivals and successes at debug, refusals (4xx)
 * at info, failures at error. Logging every request at info level would cost more than answering it.
 */
export class RequestLogController extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const status = reply.statusCode;
    const level = error || status >= 500 ? 'error' : status >= 400 ? 'info' : 'debug';
    reply.log[level]({ req: request, res: reply, err: error ?? undefined, responseTime: reply.elapsedTime }, 'request completed');
  }
}
