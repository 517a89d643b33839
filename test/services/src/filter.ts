/**
 * The filter of Knative's Parallel tutorial (image `filter-nodejs`): replies with the event
 * when the FILTER expression holds for it, else answers 200 with no event. FILTER is read
 * by our small evaluator (expression.ts), which takes the tutorial's JavaScript
 * (`Math.round(Date.parse(event.time) / 60000) % 2 === 0`) and CEL-style timestamp calls.
 */
import type { CloudEvent } from '@knative-ts/delivery';
import { eventView } from './event-view.js';
import { compileExpression } from './expression.js';

/** Whether an event passes; throws ExpressionError when FILTER does not parse. */
export function compileFilter(expression: string): (event: CloudEvent) => boolean {
  const evaluate = compileExpression(expression);
  return (event) => evaluate({ event: eventView(event) }) === true;
}
