/**
 * `POST /triggers/<ns>/<trigger>/<uid>` (eventing `pkg/broker/filter/filter_handler.go`),
 * in Knative's order: method (405, `Allow: POST`) → path (400) → trigger (404 unknown,
 * 400 UID mismatch) → admission (503 + Retry-After) → event (413 / 400 / 415) → the rest
 * is deliverToTrigger (@knative-ts/trigger-delivery): TTL, subscriber, filter, the single
 * attempt and its answer. When the caller (the channel dispatcher) gives up and closes the
 * request, the attempt is abandoned. The OIDC-only `/reply` and `/dls` endpoints are not
 * served.
 */
import {
  abortOnHangUp,
  answerNonPost,
  readEvent,
  writeOverloaded,
  writeRefusal,
  writeText,
  type Admission,
  type EventRequestHandler,
} from '@knative-ts/delivery';
import {
  deliverToTrigger,
  type TriggerDeliveryOptions,
  type TriggerLookup,
} from '@knative-ts/trigger-delivery';
import { parseTriggerPath } from '@knative-ts/types';

export interface FilterHandlerOptions extends TriggerDeliveryOptions {
  triggers: TriggerLookup;
  /** The process's in-flight budget (503 + Retry-After past it). */
  admission: Admission;
  maxBodyBytes: number;
}

/** The request handler of broker-filter. */
export function createFilterHandler(o: FilterHandlerOptions): EventRequestHandler {
  return async (req, res) => {
    if (answerNonPost(req, res, { options: false })) return;
    const path = parseTriggerPath(req.url ?? '/');
    if (path.kind === 'malformed') {
      return writeText(res, 400, 'path is not /triggers/<namespace>/<trigger>/<uid>');
    }
    const ref = `${path.namespace}/${path.name}`;
    if (path.endpoint !== 'subscriber') {
      return writeText(res, 404, `the ${path.endpoint} endpoint needs OIDC, which is not served`);
    }
    const trigger = o.triggers.get(path.namespace, path.name);
    if (trigger === undefined) return writeText(res, 404, `trigger ${ref} not found`);
    if (trigger.uid !== path.uid) return writeText(res, 400, `trigger ${ref} has another UID`);
    const ticket = o.admission.tryAdmit(Number(req.headers['content-length']) || 0);
    if (ticket === undefined) return writeOverloaded(res, o.admission.limits);
    try {
      const reading = await readEvent(req, o.maxBodyBytes);
      if (!reading.ok) return writeRefusal(res, reading);
      const answer = await deliverToTrigger(o, {
        trigger,
        event: reading.event,
        headers: req.headers,
        signal: abortOnHangUp(res),
      });
      if (res.destroyed) return;
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    } finally {
      ticket.release();
    }
  };
}
