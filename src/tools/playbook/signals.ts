import { featureLabel } from '../../analysis/feature-labels.js';
import type { Segment } from '../../analysis/report.js';
import { behaviourOf, type Behaviour } from '../../common/vocabulary.js';

/** A deviation of half an overall standard deviation is a trait worth acting on. */
export const NOTABLE = 0.5;

export interface Signal {
  readonly feature: string;
  readonly deviation: number;
}

/** What a rule can read: a behaviour, or `standout`, the feature that sets the segment apart most. */
export type SignalName = Behaviour | 'standout';

/** A segment's profile as the playbook reads it. */
export interface ProfileSignals {
  get(name: SignalName): Signal | undefined;
  /** The data has a column for this behaviour. */
  has(behaviour: Behaviour): boolean;
  /** Notably above the overall mean. */
  high(behaviour: Behaviour): boolean;
  /** Notably below the overall mean. */
  low(behaviour: Behaviour): boolean;
  /** Heavy online use, little branch use or a young segment: reach them through the app. */
  readonly prefersDigital: boolean;
}

// Money that is spent, borrowed or owed says little about what a customer is worth.
const NOT_VALUE: ReadonlySet<Behaviour> = new Set(['spending', 'cash', 'balance']);

/** The strongest feature of each behaviour for a segment. Value falls back to income, then to any money column. */
function strongest(segment: Segment, features: readonly string[]): Map<Behaviour, Signal> {
  const out = new Map<Behaviour, Signal>();
  for (const feature of features) {
    const behaviour = behaviourOf(feature);
    if (!behaviour) continue;
    const deviation = segment.deviation[feature] ?? 0;
    const current = out.get(behaviour);
    if (!current || Math.abs(deviation) > Math.abs(current.deviation)) out.set(behaviour, { feature, deviation });
  }
  if (!out.has('value')) {
    const income = out.get('income');
    const money = features.filter((f) => {
      const behaviour = behaviourOf(f);
      return featureLabel(f).unit === 'currency' && (behaviour === null || !NOT_VALUE.has(behaviour));
    });
    if (income) out.set('value', income);
    else if (money.length > 0) {
      const best = money.reduce((a, b) => (Math.abs(segment.deviation[b] ?? 0) > Math.abs(segment.deviation[a] ?? 0) ? b : a));
      out.set('value', { feature: best, deviation: segment.deviation[best] ?? 0 });
    }
  }
  return out;
}

export function profileSignals(segment: Segment, features: readonly string[]): ProfileSignals {
  const byBehaviour = strongest(segment, features);
  const top = segment.distinguishing[0];
  const standout = top ? { feature: top.feature, deviation: top.deviation } : undefined;
  const high = (b: Behaviour): boolean => (byBehaviour.get(b)?.deviation ?? 0) >= NOTABLE;
  const low = (b: Behaviour): boolean => (byBehaviour.get(b)?.deviation ?? 0) <= -NOTABLE;
  return {
    get: (name) => (name === 'standout' ? standout : byBehaviour.get(name)),
    has: (b) => byBehaviour.has(b),
    high,
    low,
    prefersDigital: high('digital') || low('branch') || low('age'),
  };
}
