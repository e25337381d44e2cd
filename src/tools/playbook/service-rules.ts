import type { Behaviour } from '../../common/vocabulary.js';
import { AGAINST_HOLDOUT, type Figure } from './facts.js';

/**
 * The support-service playbook as data: each rule serves the segments that stand out on one
 * behaviour. Rules are applied in order and a segment gets the first rule that picks it, so the
 * segments that call most get root-cause and self-service work before channel-based service.
 */
export interface ServiceRule {
  /** The behaviour whose heavy users the rule serves, read from the first column that measures it. */
  readonly behaviour: Behaviour;
  /** What the segment does, after "Segment n (name)". */
  readonly headline: string;
  /** Heaviest users first, or in segment order. */
  readonly heaviestFirst: boolean;
  /** Quote the planning constants (holdout, window) among the facts. */
  readonly plans: boolean;
  /** A second behaviour whose figure the actions may quote. */
  readonly alsoQuotes?: Behaviour;
  readonly actions: (f: ServiceFigures) => readonly (string | null)[];
}

export interface ServiceFigures {
  /** "224 customers" */
  readonly customers: string;
  /** The segment's figure on the rule's behaviour, in words. */
  readonly figure: string;
  /** Its figure on `alsoQuotes`, null when the data has no such column. */
  readonly also: Pick<Figure, 'text' | 'atOrAbove'> | null;
}

export const SERVICE_RULES: readonly ServiceRule[] = [
  {
    behaviour: 'calls',
    headline: 'calls support most',
    heaviestFirst: true,
    plans: true,
    alsoQuotes: 'digital',
    actions: (f) => [
      `Find out why they call: tag the reason of every call from these ${f.customers} for a few weeks, then fix the top reasons at the source (statements, card delivery, limits, fees).`,
      'Pre-empt the common reasons with proactive alerts by SMS and push: payment due, payment received, card dispatched, limit changed.',
      'Offer a callback instead of queueing, and set a first-contact-resolution target for these customers.',
      f.also &&
        (f.also.atOrAbove
          ? `Build on their online habit (${f.also.text}): put card status, disputes and statements in the app so they can help themselves.`
          : `Help them online (${f.also.text}): a guided app set-up at the end of their next call.`),
      `Measure support calls per customer in this segment (${f.figure}) month by month ${AGAINST_HOLDOUT}.`,
    ],
  },
  {
    behaviour: 'digital',
    headline: 'lives online',
    heaviestFirst: false,
    plans: false,
    actions: (f) => [
      `Serve them where they are (${f.figure}): in-app chat with a human fallback, secure messaging and status tracking for every request.`,
      'Keep the app fast and reliable for them: app ratings and failed log-ins are their service level.',
    ],
  },
  {
    behaviour: 'branch',
    headline: 'comes to the branch',
    heaviestFirst: false,
    plans: false,
    actions: (f) => [
      `Make branch visits count (${f.figure}): appointment booking to cut queues, and staff empowered to resolve service issues on the spot.`,
      'Offer to set up online banking during the visit, so routine requests no longer need a trip.',
    ],
  },
];
