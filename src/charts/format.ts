import { featureLabel, type FeatureLabel } from '../analysis/feature-labels.js';

/** One way of writing numbers, expressible both as a d3-format string (axes) and in TypeScript (labels). */
export interface NumberStyle {
  readonly currency: boolean;
  /** Fraction shown as a percentage (0.25 -> 25%). */
  readonly percent: boolean;
  readonly decimals: number;
  /** Drop trailing zeros (axes); labels of averages keep them so columns line up. */
  readonly trim: boolean;
}

export function d3Format(style: NumberStyle): string {
  const trim = style.trim ? '~' : '';
  if (style.percent) return `.${style.decimals}${trim}%`;
  return `${style.currency ? '$' : ''},.${style.decimals}${trim}f`;
}

export function formatNumber(value: number, style: NumberStyle): string {
  if (!Number.isFinite(value)) return '–';
  const shown = style.percent ? value * 100 : value;
  const text = new Intl.NumberFormat('en-US', {
    minimumFractionDigits: style.trim ? 0 : style.decimals,
    maximumFractionDigits: style.decimals,
  }).format(Math.abs(shown));
  const sign = shown < 0 && Number(text.replace(/,/g, '')) !== 0 ? '-' : '';
  return `${sign}${style.currency ? '$' : ''}${text}${style.percent ? '%' : ''}`;
}

/** How a feature's values are written: on axes, as single values, and as averages. */
export interface FeatureFormat {
  readonly feature: string;
  readonly label: FeatureLabel;
  /** Axis title: the human label, with "(%)" when values are percentages written as numbers. */
  readonly title: string;
  readonly axis: NumberStyle;
  /** Averages: one decimal for counts, whole units for money. */
  readonly average: NumberStyle;
}

/**
 * Picks number styles for a feature from its kind (money, count, percent) and the span of its
 * values: money gets a currency sign and thousands separators, averages of counts one decimal.
 */
export function featureFormat(feature: string, min: number, max: number): FeatureFormat {
  const label = featureLabel(feature);
  const span = Math.abs(max - min) || Math.abs(max) || 1;
  const plain = (decimals: number, trim: boolean): NumberStyle => ({ currency: false, percent: false, decimals, trim });
  const spanDecimals = span >= 1000 ? 0 : span >= 10 ? 1 : span >= 1 ? 2 : 3;
  // A "money" column whose values all lie in [0, 1] is a rate named after money
  // (prc_full_payment, balance_frequency): write it as a percentage.
  const fraction = min >= 0 && max <= 1;
  const unit = label.unit === 'currency' && fraction ? 'percent' : label.unit;
  switch (unit) {
    case 'currency': {
      const decimals = span >= 100 ? 0 : 2;
      const style: NumberStyle = { currency: true, percent: false, decimals, trim: false };
      return { feature, label, title: label.label, axis: style, average: style };
    }
    case 'count':
      return {
        feature,
        label,
        title: label.label,
        axis: plain(span < 5 ? 1 : 0, true),
        average: plain(span >= 1000 ? 0 : 1, false),
      };
    case 'percent': {
      if (fraction) {
        const style = (decimals: number, trim: boolean): NumberStyle => ({ currency: false, percent: true, decimals, trim });
        return { feature, label, title: label.label, axis: style(0, true), average: style(1, false) };
      }
      return { feature, label, title: `${label.label} (%)`, axis: plain(spanDecimals, true), average: plain(1, false) };
    }
    default:
      return { feature, label, title: label.label, axis: plain(spanDecimals, true), average: plain(Math.max(1, spanDecimals), false) };
  }
}
